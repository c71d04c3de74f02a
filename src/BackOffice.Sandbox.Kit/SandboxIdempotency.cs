namespace BackOffice.Sandbox.Kit;

/// <summary>An answer as it went out, kept under its idempotency key and sent again as it was.</summary>
public sealed record RenderedReply(int Status, string? Json, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// An idempotency key as the sandboxes honour it (Klarna's <c>Klarna-Idempotency-Key</c>, an acquirer's
/// <c>Idempotency-Key</c>): per merchant and key, the first answer is kept 24 hours on the sandbox's clock and sent
/// again for any later request with the key, whatever its body or path; a request whose first attempt is still being
/// handled is told so (the sandbox answers 409).
/// </summary>
public sealed class SandboxIdempotency(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly Lock gate = new();
    private readonly Dictionary<(string Merchant, string Key), (DateTimeOffset At, RenderedReply? Reply)> entries = [];

    /// <summary>The kept answer; or, when the key is new (or its window passed), the key is claimed and null comes back.</summary>
    public (bool InFlight, RenderedReply? Kept) Begin(string merchant, string key)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (entries.TryGetValue((merchant, key), out var entry) && now - entry.At < Window)
                return (entry.Reply is null, entry.Reply);
            entries[(merchant, key)] = (now, null);
            return (false, null);
        }
    }

    public void Keep(string merchant, string key, RenderedReply reply)
    {
        lock (gate)
            entries[(merchant, key)] = (entries.GetValueOrDefault((merchant, key)).At, reply);
    }

    /// <summary>Lets the key go: the request did nothing (an injected failure before it was carried out).</summary>
    public void Abandon(string merchant, string key)
    {
        lock (gate)
            entries.Remove((merchant, key));
    }

    public void Reset()
    {
        lock (gate)
            entries.Clear();
    }
}
