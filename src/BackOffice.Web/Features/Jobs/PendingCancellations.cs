using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// Due cancellations of pending orders: each is scheduled in Hangfire when it is made, and a sweep every minute runs
/// every one that is due and not done, so none is lost when Hangfire forgets its schedule (in-memory storage, restart).
/// </summary>
public sealed class PendingCancellations(
    IDbContextFactory<BackOfficeDbContext> databases,
    IBackgroundJobClient jobs,
    IServiceScopeFactory scopes,
    TimeProvider time) : IDomainEventHandler<PendingDeclineDue>
{
    public const string SweepJobId = "DueCancellations";

    public Task HandleAsync(PendingDeclineDue domainEvent)
    {
        Schedule(domainEvent.Cancellation);
        return Task.CompletedTask;
    }

    public void Schedule(PendingCancellation cancellation)
    {
        var delay = cancellation.DueAt - time.GetUtcNow();
        var id = cancellation.Id;
        if (delay <= TimeSpan.Zero)
            jobs.Enqueue<PendingCancellationJob>(j => j.RunAsync(id, CancellationToken.None));
        else
            jobs.Schedule<PendingCancellationJob>(j => j.RunAsync(id, CancellationToken.None), delay);
    }

    /// <summary>Runs every due cancellation not done yet, one after the other.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [DisableConcurrentExecution(timeoutInSeconds: 5)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            due = await db.PendingCancellations.Where(c => c.CompletedAt == null && c.DueAt <= now).Select(c => c.Id).ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PendingCancellationJob>().RunAsync(id, cancellationToken);
        }
    }
}
