using BackOffice.Web.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>Schedules the Hangfire jobs for due-cancellation rows: new ones, and at start-up every one not done yet.</summary>
public sealed class PendingCancellations(IDbContextFactory<BackOfficeDbContext> databases, IBackgroundJobClient jobs, TimeProvider time)
{
    public void Schedule(PendingCancellation cancellation)
    {
        var delay = cancellation.DueAt - time.GetUtcNow();
        var id = cancellation.Id;
        if (delay <= TimeSpan.Zero)
            jobs.Enqueue<PendingCancellationJob>(j => j.RunAsync(id, CancellationToken.None));
        else
            jobs.Schedule<PendingCancellationJob>(j => j.RunAsync(id, CancellationToken.None), delay);
    }

    /// <summary>Hangfire's in-memory storage forgets its schedule on restart; the rows do not.</summary>
    public async Task RescheduleOpenAsync()
    {
        await using var db = await databases.CreateDbContextAsync();
        foreach (var cancellation in await db.PendingCancellations.Where(c => c.CompletedAt == null).ToListAsync())
            Schedule(cancellation);
    }
}
