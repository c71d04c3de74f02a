using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// KlarnaRestCheckOrders: settles every action of unknown outcome on a Klarna Payments (direct) order by reading the
/// order (and sending again with the same idempotency key what did not take effect), then reads back every order still
/// waiting for Klarna's fraud decision and every open one past its authorization's expiry, and applies what Klarna
/// says (<see cref="KlarnaOrderNews"/>). A notification usually comes first; this catches the ones that never arrive.
/// Only a change is written: an order that is still pending costs one read.
/// </summary>
public sealed partial class KlarnaRestOrderCheck(
    IDbContextFactory<BackOfficeDbContext> databases,
    TransactionSweeps sweeps,
    PaymentPorts ports,
    KlarnaRestConnections connections,
    OperationJournal journal,
    TimeProvider time,
    ILogger<KlarnaRestOrderCheck> logger) : IRecurringJob
{
    public const string JobId = "KlarnaRestCheckOrders";

    public string Id => JobId;

    public Message Description { get; } = new("Settles the Klarna Payments (direct) actions of unknown outcome from Klarna's orders, then reads back every order awaiting Klarna's fraud decision or past its authorization's expiry and applies the decision or the expiry.");

    public JobSettings DefaultSettings() => new(JobId, enabled: true, cron: "*/10 * * * *");

    public async Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = await sweeps.RunAsync(this, trigger, async sweep =>
        {
            List<Transaction> due;
            List<(Guid Id, string OrderNumber)> unknown;
            var now = time.GetUtcNow();
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                unknown = [.. (await (from t in db.Transactions
                                      where t.Service == KlarnaRestModule.KlarnaPaymentsDirect && t.ActiveOperationId != null
                                      join o in db.Operations on t.ActiveOperationId equals o.Id
                                      where o.State == OperationState.Unknown
                                      select new { t.Id, t.OrderNumber }).ToListAsync(cancellationToken)).Select(u => (u.Id, u.OrderNumber))];
                due = await db.Transactions.AsNoTracking()
                    .Where(t => t.Service == KlarnaRestModule.KlarnaPaymentsDirect && t.ActiveOperationId == null
                        && (t.State == TransactionState.Pending || t.ExpiresAt <= now && (t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured)))
                    .ToListAsync(cancellationToken);
            }
            var port = ports.For(KlarnaRestModule.Provider);
            await sweep.CheckAsync(unknown, u => u, async (u, _) =>
                await port.ReconcileAsync(JobId, u.Id, ReconcileAnswer.None) is { State: not OperationState.Unknown } settled ? new Message("Reconciled: {0}", settled.Message) : null,
                e => e is KlarnaRestException);
            await sweep.CheckAsync(due, t => (t.Id, t.OrderNumber), (t, token) => CheckAsync(t, sweep.CallTimeout, token), e => e is KlarnaRestException);
        }, cancellationToken);
        if (run is not null)
            LogRun(run.Checked, run.Changed, run.Failed);
        return run;
    }

    private async Task<Message?> CheckAsync(Transaction transaction, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var askedAt = time.GetUtcNow();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(callTimeout);
        var order = await connections.Client().GetOrderAsync(await connections.ForAsync(transaction), transaction.Reference, timeout.Token);
        if (!KlarnaOrderNews.Any(order, transaction))
            return null;
        return await journal.TakeReportAsync(new ProviderReport(transaction.Id, JobId, transaction.Reference, askedAt, (books, step, now) => KlarnaOrderNews.Apply(order, books, step, now)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaRestCheckOrders checked {Checked}, changed {Changed}, failed {Failed}")]
    private partial void LogRun(int @checked, int changed, int failed);
}
