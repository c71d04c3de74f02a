using BackOffice.CardAcquirer;
using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Jobs;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// KlarnaRestCardSettlements: carries on every settlement by virtual cards with something to do that needs no one's
/// decision — a lost answer looked up once it can no longer arrive, a card not yet charged or captured, and above all a
/// refund of the order that the cards have not followed yet. A declined card waits for an operator.
/// </summary>
public sealed partial class CardSettlementCheck(TransactionSweeps sweeps, CardSettlements settlements, ILogger<CardSettlementCheck> logger) : IRecurringJob
{
    public const string JobId = "KlarnaRestCardSettlements";

    public string Id => JobId;

    public Message Description { get; } = new("Carries on the settlements by Klarna's virtual cards: looks up lost answers, charges and captures the cards not done yet, and refunds on the cards what the orders' refunds left.");

    public JobSettings DefaultSettings() => new(JobId, enabled: true, cron: "*/10 * * * *");

    public async Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = await sweeps.RunAsync(this, trigger, async sweep =>
        {
            var due = await settlements.DueAsync(cancellationToken);
            await sweep.CheckAsync(due, d => d, async (d, token) =>
                (await settlements.CarryOnAsync(JobId, d.TransactionId, retryDeclined: false, token)) is { Changed: true } done ? Summary(done.View) : null,
                e => e is KlarnaRestException or AcquirerException);
        }, cancellationToken);
        if (run is not null)
            LogRun(run.Checked, run.Changed, run.Failed);
        return run;
    }

    private static Message Summary(CardSettlementView view) =>
        new("Virtual cards: {0} of {1} captured, {2} refunded.", view.Charges.Count(c => c.State == CardChargeState.Captured), view.Charges.Count,
            new Amount(view.Charges.Sum(c => c.RefundedAmount), view.Charges[0].Currency));

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaRestCardSettlements checked {Checked}, changed {Changed}, failed {Failed}")]
    private partial void LogRun(int @checked, int changed, int failed);
}
