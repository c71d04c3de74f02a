using Hangfire;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// The recurring status poll the Jobs page steers (<see cref="JobSettings.CheckOrderStatus"/>: schedule, parallelism,
/// timeout, Run now): a provider module brings it. Hangfire reads its filters here, where the schedule names the job.
/// </summary>
public interface IStatusPoll
{
    /// <summary>Runs once; answers the run's record, or null when another run holds the lease and this one did nothing.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 5)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken);
}
