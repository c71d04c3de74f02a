using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>What came of a notification from Klarna; the endpoint answers it with its HTTP status.</summary>
public enum KlarnaNotificationResult
{
    Taken,
    UnknownOrder,
    TryLater,
}

/// <summary>
/// Klarna's notification of a fraud decision on a pending order (<c>{"order_id", "event_type"}</c>). Its body is only a
/// hint — anyone can send one — so the order is read back from Klarna, and what it says decides (<see cref="KlarnaOrderNews"/>).
/// The change enters the books through the journal as a status step.
/// </summary>
public sealed class KlarnaRestNotifications(
    IDbContextFactory<BackOfficeDbContext> databases,
    KlarnaRestConnections connections,
    OperationJournal journal,
    TimeProvider time)
{
    public const string Actor = "Klarna notification";

    public async Task<KlarnaNotificationResult> TakeAsync(string channelCode, string orderId, CancellationToken cancellationToken)
    {
        Transaction? transaction;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            transaction = await (from t in db.Transactions
                                 join c in db.Channels on t.ChannelId equals c.Id
                                 where c.Code == channelCode && t.Service == KlarnaRestModule.KlarnaPaymentsDirect && t.Reference == orderId
                                 select t).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        }
        if (transaction is null)
            return KlarnaNotificationResult.UnknownOrder;
        if (transaction.State != TransactionState.Pending)
            return KlarnaNotificationResult.Taken;
        var askedAt = time.GetUtcNow();
        KlarnaOrder order;
        try
        {
            order = await connections.Client().GetOrderAsync(await connections.ForAsync(transaction), orderId, cancellationToken);
        }
        catch (KlarnaRestException)
        {
            return KlarnaNotificationResult.TryLater;
        }
        if (!KlarnaOrderNews.Any(order, transaction))
            return KlarnaNotificationResult.Taken;
        try
        {
            await journal.TakeReportAsync(new ProviderReport(transaction.Id, Actor, orderId, askedAt, (books, step, now) => KlarnaOrderNews.Apply(order, books, step, now)));
        }
        catch (BusinessRuleException)
        {
            return KlarnaNotificationResult.TryLater;
        }
        return KlarnaNotificationResult.Taken;
    }
}
