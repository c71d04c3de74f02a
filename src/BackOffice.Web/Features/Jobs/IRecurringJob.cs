namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// A recurring job a provider module brings. The Jobs page shows each one with its settings (schedule, parallelism,
/// per-call timeout), its runs and Run now; Hangfire starts it through <see cref="RecurringJobRunner"/>.
/// </summary>
public interface IRecurringJob
{
    /// <summary>The job's name in the settings, the runs, Hangfire's schedule and the audit log.</summary>
    string Id { get; }

    /// <summary>What a run does, in a sentence, for the Jobs page.</summary>
    Message Description { get; }

    /// <summary>Whether a run keeps the transactions it changed or failed on (else it counts other things, e.g. channels).</summary>
    bool ListsTransactions => true;

    /// <summary>New settings as the job has them until an administrator changes them.</summary>
    JobSettings DefaultSettings();

    /// <summary>Runs once; answers the run's record, or null when another run holds the lease and this one did nothing.</summary>
    Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken);
}

/// <summary>The one method Hangfire schedules for every <see cref="IRecurringJob"/>, so its schedule names no module's type.</summary>
public sealed class RecurringJobRunner(IEnumerable<IRecurringJob> jobs)
{
    [OneRunPerJob(timeoutInSeconds: 5)]
    [Hangfire.AutomaticRetry(Attempts = 0, OnAttemptsExceeded = Hangfire.AttemptsExceededAction.Delete)]
    public Task<JobRun?> RunAsync(string jobId, string trigger, CancellationToken cancellationToken) =>
        (jobs.SingleOrDefault(j => j.Id == jobId) ?? throw new InvalidOperationException($"No recurring job '{jobId}' is registered.")).RunAsync(trigger, cancellationToken);
}

/// <summary>
/// Hangfire's <see cref="Hangfire.DisableConcurrentExecutionAttribute"/> per job id rather than per method: a run of a
/// job waits (up to the timeout) for the one before it, across instances too, while other jobs run beside it. The
/// job's own lease still guards what gets past this.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneRunPerJobAttribute(int timeoutInSeconds) : Hangfire.Common.JobFilterAttribute, Hangfire.Server.IServerFilter
{
    private const string LockKey = "BackOffice.RecurringJobLock";

    public void OnPerforming(Hangfire.Server.PerformingContext context) =>
        context.Items[LockKey] = context.Connection.AcquireDistributedLock($"recurring-job:{context.BackgroundJob.Job.Args[0]}", TimeSpan.FromSeconds(timeoutInSeconds));

    public void OnPerformed(Hangfire.Server.PerformedContext context)
    {
        if (context.Items.TryGetValue(LockKey, out var held))
            ((IDisposable)held).Dispose();
    }
}
