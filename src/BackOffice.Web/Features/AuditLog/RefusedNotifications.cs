using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.AuditLog;

/// <summary>
/// Notifications and callbacks a provider's endpoint refused, audited as one entry per source address and minute with
/// a count: a flood of forged messages leaves a line a minute in the audit log, not a line a message. Each instance
/// keeps its own count, so with several instances a source may have one entry per instance and minute.
/// </summary>
public sealed class RefusedNotifications(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<(string Source, long Minute), (long EntryId, int Count)> minutes = [];

    public async Task RecordAsync(string actor, string source, string channel, Message reason)
    {
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        await gate.WaitAsync();
        try
        {
            foreach (var old in minutes.Keys.Where(k => k.Minute < minute).ToList())
                minutes.Remove(old);
            await using var db = await databases.CreateDbContextAsync();
            if (minutes.TryGetValue((source, minute), out var summary) && await db.AuditEntries.FindAsync(summary.EntryId) is { } entry)
            {
                var count = summary.Count + 1;
                entry.Summarize(new Message("{0} notifications refused from {1} in this minute; the last, for channel {2}: {3}", count, source, channel, reason));
                await db.SaveChangesAsync();
                minutes[(source, minute)] = (entry.Id, count);
                return;
            }
            var first = new AuditEntry(now, actor, "Transactions", "Notification", $"from {source}",
                new Message("A notification from {0} for channel {1} was refused: {2}", source, channel, reason), succeeded: false);
            db.AuditEntries.Add(first);
            await db.SaveChangesAsync();
            minutes[(source, minute)] = (first.Id, 1);
        }
        finally
        {
            gate.Release();
        }
    }
}
