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
    [Hangfire.AutomaticRetry(Attempts = 0, OnAttemptsExceeded = Hangfire.AttemptsExceededAction.Delete)]
    public Task<JobRun?> RunAsync(string jobId, string trigger, CancellationToken cancellationToken) =>
        (jobs.SingleOrDefault(j => j.Id == jobId) ?? throw new InvalidOperationException($"No recurring job '{jobId}' is registered.")).RunAsync(trigger, cancellationToken);
}
