using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>
/// An address of the shop that hears what happened to the channel's payments: the events it takes, its signing secret
/// (kept encrypted; after a rotation the previous one signs too for a day), and how its deliveries fare. One that has
/// failed for a day is disabled until an administrator enables it again.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 500;

    private WebhookEndpoint()
    {
    }

    public WebhookEndpoint(int channelId, Uri url, IReadOnlyCollection<string> events, string protectedSecret, string createdBy, DateTimeOffset createdAt)
    {
        ChannelId = channelId;
        Url = Checked(url);
        Events = CheckedEvents(events);
        ProtectedSecret = protectedSecret;
        CreatedBy = createdBy;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public string Url { get; private set; } = "";

    /// <summary>The event types it takes, separated by spaces.</summary>
    public string Events { get; private set; } = "";
    public bool Enabled { get; private set; } = true;
    public string ProtectedSecret { get; private set; } = "";
    public string? ProtectedPreviousSecret { get; private set; }
    public DateTimeOffset? PreviousSecretUntil { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Since when every attempt failed (none succeeded after it); null while it is answering.</summary>
    public DateTimeOffset? FailingSince { get; private set; }
    public int FailuresInARow { get; private set; }

    /// <summary>Nothing is sent to it before this (it backs off after failures).</summary>
    public DateTimeOffset? RetryAt { get; private set; }
    public DateTimeOffset? DisabledAt { get; private set; }
    public Message? DisabledBecause { get; private set; }

    /// <summary>Disabled because it kept failing (not by an administrator): the overview asks for attention.</summary>
    public bool DisabledForFailures { get; private set; }
    public Guid Version { get; private set; } = Guid.NewGuid();

    public bool Takes(string eventType) => Events.Split(' ').Contains(eventType);

    public IReadOnlyList<string> EventList => [.. Events.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    public void Change(Uri url, IReadOnlyCollection<string> events)
    {
        Url = Checked(url);
        Events = CheckedEvents(events);
        Version = Guid.NewGuid();
    }

    public void Enable()
    {
        (Enabled, DisabledAt, DisabledBecause, DisabledForFailures, FailingSince, FailuresInARow, RetryAt) = (true, null, null, false, null, 0, null);
        Version = Guid.NewGuid();
    }

    public void Disable(DateTimeOffset at, Message because)
    {
        (Enabled, DisabledAt, DisabledBecause) = (false, at, because);
        Version = Guid.NewGuid();
    }

    /// <summary>A new secret; the one it replaces still signs until <paramref name="previousUntil"/>.</summary>
    public void Rotate(string protectedSecret, DateTimeOffset previousUntil)
    {
        (ProtectedPreviousSecret, PreviousSecretUntil, ProtectedSecret) = (ProtectedSecret, previousUntil, protectedSecret);
        Version = Guid.NewGuid();
    }

    /// <summary>The secrets a delivery is signed with at <paramref name="at"/>: the current one, and the previous one within its day.</summary>
    public IEnumerable<string> ProtectedSecretsAt(DateTimeOffset at) =>
        ProtectedPreviousSecret is { } previous && PreviousSecretUntil > at ? [ProtectedSecret, previous] : [ProtectedSecret];

    public void Answered()
    {
        (FailingSince, FailuresInARow, RetryAt) = (null, 0, null);
        Version = Guid.NewGuid();
    }

    /// <summary>An attempt failed: it backs off exponentially, and is disabled once it has failed for <paramref name="disableAfter"/>.</summary>
    public void Failed(DateTimeOffset at, TimeSpan firstRetry, TimeSpan longestWait, TimeSpan disableAfter)
    {
        FailingSince ??= at;
        FailuresInARow++;
        var wait = TimeSpan.FromTicks(Math.Min(longestWait.Ticks, firstRetry.Ticks * (1L << Math.Min(FailuresInARow - 1, 30))));
        RetryAt = at + wait;
        if (Enabled && at - FailingSince >= disableAfter)
        {
            Disable(at, new Message("Every delivery failed since {0:yyyy-MM-dd HH:mm} UTC.", FailingSince.Value.UtcDateTime));
            DisabledForFailures = true;
        }
        Version = Guid.NewGuid();
    }

    private static string Checked(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http") || url.OriginalString.Length > MaxUrlLength || !string.IsNullOrEmpty(url.UserInfo))
            throw new BusinessRuleException("The address must be an absolute https (or http) address without user and password, at most {0} characters.", MaxUrlLength);
        return url.AbsoluteUri;
    }

    private static string CheckedEvents(IReadOnlyCollection<string> events)
    {
        if (events.Count == 0)
            throw new BusinessRuleException("Choose at least one event.");
        if (events.FirstOrDefault(e => !WebhookEventTypes.All.Contains(e)) is { } unknown)
            throw new BusinessRuleException("There is no event '{0}'.", unknown);
        return string.Join(' ', WebhookEventTypes.All.Where(events.Contains));
    }
}

/// <summary>How <see cref="WebhookEndpoint"/> is kept.</summary>
internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> endpoint)
    {
        endpoint.ToTable("WebhookEndpoints");
        endpoint.HasOne<Channel>().WithMany().HasForeignKey(e => e.ChannelId).OnDelete(DeleteBehavior.Cascade);
        endpoint.HasIndex(e => e.ChannelId);
        endpoint.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength + 20);
        endpoint.Property(e => e.Events).HasMaxLength(400);
        endpoint.Property(e => e.ProtectedSecret).HasMaxLength(1000);
        endpoint.Property(e => e.ProtectedPreviousSecret).HasMaxLength(1000);
        endpoint.Property(e => e.CreatedBy).HasMaxLength(256);
        endpoint.Property(e => e.DisabledBecause).HasMaxLength(1000).HasConversion(m => m!.ToJson(), s => Message.FromJson(s));
        endpoint.Property(e => e.Version).IsConcurrencyToken();
        endpoint.Ignore(e => e.EventList);
    }
}
