using System.Collections.Concurrent;
using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// One run of a recurring job: under the job's lease (never two runs at once, across instances too), with the job's
/// settings, recorded as a <see cref="JobRun"/> when it ends.
/// </summary>
public sealed class TransactionSweeps(IDbContextFactory<BackOfficeDbContext> databases, JobLeases leases, TimeProvider time)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    /// <summary>Runs <paramref name="sweep"/> and records what it counted; answers null when another run holds the lease.</summary>
    public async Task<JobRun?> RunAsync(IRecurringJob job, string trigger, Func<TransactionSweep, Task> sweep, CancellationToken cancellationToken)
    {
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        if (!await leases.TryAcquireAsync(job.Id, holder, LeaseDuration, cancellationToken))
            return null;
        var run = new JobRun(job.Id, trigger, time.GetUtcNow());
        try
        {
            JobSettings settings;
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
                settings = await db.JobSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == job.Id, cancellationToken) ?? job.DefaultSettings();
            var pass = new TransactionSweep(settings, cancellationToken);
            await sweep(pass);
            run.End(time.GetUtcNow(), pass.Checked, pass.Changed, pass.Failed, pass.Errors, pass.Changes);
        }
        finally
        {
            await leases.ReleaseAsync(job.Id, holder);
        }
        // Recorded once the lease is free: a run shown as ended can be started again at once.
        await using (var db = await databases.CreateDbContextAsync(CancellationToken.None))
        {
            db.JobRuns.Add(run);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return run;
    }
}

/// <summary>What one run checks: a bounded number at a time, each change and failure counted and kept; one failure does not stop the run.</summary>
public sealed class TransactionSweep
{
    private const int ErrorsKept = 10;
    private readonly ConcurrentQueue<string> errors = new();
    private readonly ConcurrentBag<JobRunChange> changes = [];
    private readonly CancellationToken cancellationToken;
    private int @checked, changed, failed;

    internal TransactionSweep(JobSettings settings, CancellationToken cancellationToken) => (Settings, this.cancellationToken) = (settings, cancellationToken);

    public JobSettings Settings { get; }

    public TimeSpan CallTimeout => TimeSpan.FromSeconds(Settings.CallTimeoutSeconds);

    public int Checked => @checked;
    public int Changed => changed;
    public int Failed => failed;
    public IEnumerable<string> Errors => errors.Take(ErrorsKept);
    public IEnumerable<JobRunChange> Changes => changes;

    /// <summary>
    /// Checks each transaction, <see cref="JobSettings.Parallelism"/> at a time. A check answers what it changed, in
    /// words, or null; an exception <paramref name="isFailure"/> accepts (besides refusals, database conflicts and a
    /// call's timeout) counts as the transaction's failure.
    /// </summary>
    public Task CheckAsync<T>(IReadOnlyCollection<T> items, Func<T, (Guid Id, string OrderNumber)> subject, Func<T, CancellationToken, Task<Message?>> check, Func<Exception, bool> isFailure)
    {
        Interlocked.Add(ref @checked, items.Count);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Settings.Parallelism, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(items, parallel, async (item, token) =>
        {
            var (id, orderNumber) = subject(item);
            try
            {
                if (await check(item, token) is { } change)
                {
                    Interlocked.Increment(ref changed);
                    changes.Add(new JobRunChange(id, orderNumber, change, failed: false));
                }
            }
            catch (Exception e) when ((isFailure(e) || e is BusinessRuleException or DbUpdateException or OperationCanceledException) && !token.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                changes.Add(new JobRunChange(id, orderNumber, e is BusinessRuleException refusal ? refusal.Text : new Message(e.Message), failed: true));
                Keep($"{id}: {e.Message}");
            }
        });
    }

    /// <summary>Counts one thing checked that is not a transaction (a channel, a file), and whether it changed anything.</summary>
    public void Count(bool changedSomething)
    {
        Interlocked.Increment(ref @checked);
        if (changedSomething)
            Interlocked.Increment(ref changed);
    }

    /// <summary>Counts one thing that could not be checked, with why.</summary>
    public void Fail(string subject, string why)
    {
        Interlocked.Increment(ref @checked);
        Interlocked.Increment(ref failed);
        Keep($"{subject}: {why}");
    }

    private void Keep(string error)
    {
        if (errors.Count < ErrorsKept)
            errors.Enqueue(error);
    }
}
