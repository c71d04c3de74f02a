using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.AuditLog;

/// <summary>One line of the read-only audit log: who did what, when, and how it ended. Never holds a secret.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public AuditEntry(DateTimeOffset at, string user, string area, string action, string subject, Message details, bool succeeded = true)
    {
        At = at;
        User = user;
        Area = area;
        Action = action;
        Subject = subject;
        Describe(details);
        Succeeded = succeeded;
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string User { get; private set; } = "";

    /// <summary>Channels, Jobs, Users, Transactions.</summary>
    public string Area { get; private set; } = "";

    public string Action { get; private set; } = "";

    public string Subject { get; private set; } = "";

    /// <summary>In English, for search and export.</summary>
    public string Details { get; private set; } = "";

    /// <summary>The details' message key (its English format string), shown translated; null in entries written before keys were kept.</summary>
    public string? DetailsKey { get; private set; }

    /// <summary>The key's arguments (<see cref="Message.ArgumentsAsJson"/>).</summary>
    public string? DetailsArguments { get; private set; }

    /// <summary>The details to show, translated: older entries' English text is its own key.</summary>
    public Message DetailsMessage => Message.FromStored(DetailsKey ?? Details, DetailsArguments);

    public bool Succeeded { get; private set; }

    /// <summary>A summary entry (such as refused notifications per source and minute) is rewritten as what it sums up grows.</summary>
    public void Summarize(Message details) => Describe(details);

    private void Describe(Message details)
    {
        Details = Truncated(details.ToString());
        var arguments = details.Arguments.Length == 0 ? null : details.ArgumentsAsJson();
        // Cut JSON could not be read back: details too long to keep whole are kept as their English text.
        (DetailsKey, DetailsArguments) = details.Key.Length <= 1000 && arguments is not { Length: > 4000 } ? (details.Key, arguments) : (null, null);
    }

    private static string Truncated(string text) => text.Length <= 4000 ? text : text[..4000];
}

/// <summary>How <see cref="AuditEntry"/> is kept.</summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.HasIndex(e => e.At);
        entry.Property(e => e.User).HasMaxLength(256);
        entry.Property(e => e.Area).HasMaxLength(40);
        entry.Property(e => e.Action).HasMaxLength(100);
        entry.Property(e => e.Subject).HasMaxLength(200);
        entry.Property(e => e.Details).HasMaxLength(4000);
        entry.Property(e => e.DetailsKey).HasMaxLength(1000);
        entry.Property(e => e.DetailsArguments).HasMaxLength(4000);
    }
}
