namespace BackOffice.Web.Features.AuditLog;

/// <summary>
/// An area whose entries name their action by a value of <paramref name="Kinds"/> ("ExtendExpiry"), read as that value's
/// English text: each feature registers its own, so the audit log knows none of them.
/// </summary>
public sealed record AuditActionKinds(string Area, Type Kinds);

/// <summary>Where an entry's subject can be looked at: a transaction (by its reservation, which never changes), a channel, the users, the jobs.</summary>
public sealed class AuditSubjects(IEnumerable<AuditActionKinds> actionKinds)
{
    private readonly Dictionary<string, Type> kindsOf = actionKinds.ToDictionary(k => k.Area, k => k.Kinds);

    public static string? Link(AuditEntry entry) => entry.Area switch
    {
        // "ORDER-1 (2359889900)", also for the jobs' actions on one transaction
        "Transactions" or "Jobs" when entry.Subject.LastIndexOf('(') is var open and > 0 && entry.Subject.EndsWith(')')
            => $"transactions?text={Uri.EscapeDataString(entry.Subject[(open + 1)..^1])}",
        // "demo", or "demo / Klarna Invoice" for a service
        "Channels" when entry.Subject.Split(" / ")[0] is { Length: > 0 } code => $"channels/{Uri.EscapeDataString(code)}",
        "Users" => "users",
        "Jobs" => "jobs",
        _ => null,
    };

    /// <summary>What a stored prefix of an operation's kind says about it ("Reconciled Capture").</summary>
    private static readonly (string Prefix, string Text)[] Prefixes = [("Reconciled ", "Reconciled: {0}"), ("Withdrawn ", "Withdrawn from the batch file: {0}"), ("", "{0}")];

    /// <summary>
    /// What an entry's action is called in English, the key of its translation: a transaction's operations are stored by
    /// their kind's name ("ExtendExpiry", "Reconciled Capture", "Withdrawn Refund") and read as the timeline names them.
    /// </summary>
    public Message Action(AuditEntry entry)
    {
        var (prefix, text) = Prefixes.First(p => entry.Action.StartsWith(p.Prefix, StringComparison.Ordinal));
        return kindsOf.TryGetValue(entry.Area, out var kinds) && Enum.TryParse(kinds, entry.Action[prefix.Length..], out var kind) && Enum.IsDefined(kinds, kind!)
            ? new Message(text, kind)
            : new Message(entry.Action);
    }
}
