namespace BackOffice.Web.Features.AuditLog;

/// <summary>One line of the read-only audit log: who did what, when, and how it ended. Never holds a secret.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public AuditEntry(DateTimeOffset at, string user, string area, string action, string subject, string details, bool succeeded = true)
    {
        At = at;
        User = user;
        Area = area;
        Action = action;
        Subject = subject;
        Details = details;
        Succeeded = succeeded;
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string User { get; private set; } = "";

    /// <summary>Channels, Jobs, Users, Transactions.</summary>
    public string Area { get; private set; } = "";

    public string Action { get; private set; } = "";

    public string Subject { get; private set; } = "";

    public string Details { get; private set; } = "";

    public bool Succeeded { get; private set; }
}
