using BackOffice.Web.Features.Jobs;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>SubscriptionCharges: charges every subscription whose period is due, and asks again for charges whose answer was lost.</summary>
public sealed partial class RecurringChargeRun(TransactionSweeps sweeps, RecurringCharges charges, ILogger<RecurringChargeRun> logger) : IRecurringJob
{
    public const string JobId = "SubscriptionCharges";

    public string Id => JobId;

    public bool ListsTransactions => false;

    public Message Description { get; } = new("Charges the subscriptions whose period is due with their customer tokens, and asks again for charges whose answer was lost.");

    public JobSettings DefaultSettings() => new(JobId, enabled: true, cron: "*/15 * * * *");

    public async Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = await sweeps.RunAsync(this, trigger, async sweep =>
        {
            foreach (var subscriptionId in await charges.DueAsync(cancellationToken))
            {
                try
                {
                    var turn = await charges.ChargeAsync(subscriptionId, cancellationToken);
                    if (turn is { Failed: true })
                        sweep.Fail(subscriptionId.ToString(), turn.What.ToString());
                    else
                        sweep.Count(turn is not null);
                }
                catch (Exception e) when (e is BusinessRuleException or Microsoft.EntityFrameworkCore.DbUpdateException && !cancellationToken.IsCancellationRequested)
                {
                    sweep.Fail(subscriptionId.ToString(), e.Message);
                }
            }
        }, cancellationToken);
        if (run is not null)
            LogRun(run.Checked, run.Changed, run.Failed);
        return run;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SubscriptionCharges checked {Checked}, changed {Changed}, failed {Failed}")]
    private partial void LogRun(int @checked, int changed, int failed);
}
