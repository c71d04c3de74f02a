using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Holds every save that <paramref name="holds"/> (by default: one that writes an operation, a claim) until
/// <see cref="Arm"/>'s number of them have read what they change and arrived, then lets them all go at once: their
/// updates truly race, so the version check decides.
/// </summary>
public sealed class SaveBarrier(Func<ChangeTracker, bool>? holds = null) : SaveChangesInterceptor
{
    private readonly Lock gate = new();
    private TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int expected;
    private int arrived;
    private int conflicts;

    /// <summary>Saves that lost the race (the version had changed under them) since <see cref="Arm"/>.</summary>
    public int Conflicts => conflicts;

    public void Arm(int participants)
    {
        lock (gate)
            (expected, arrived, conflicts, release) = (participants, 0, 0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Holds no save, and counts conflicts from nought again.</summary>
    public void Disarm() => Arm(0);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (gate)
        {
            if (expected == 0 || eventData.Context is null || !(holds ?? AddsOperation)(eventData.Context.ChangeTracker))
                return result;
            if (++arrived == expected)
            {
                expected = 0;
                release.TrySetResult();
            }
            wait = release.Task;
        }
        try
        {
            await wait.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        }
        catch (TimeoutException)
        {
            // Never hang a test: a participant that never arrives releases the others after a while.
        }
        return result;
    }

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref conflicts);
        return ValueTask.FromResult(result);
    }

    private static bool AddsOperation(ChangeTracker changes) => changes.Entries<BackOffice.Web.Features.Transactions.Operation>().Any(e => e.State == EntityState.Added);
}
