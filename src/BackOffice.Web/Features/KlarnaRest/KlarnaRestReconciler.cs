using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Settles an operation on Klarna's Order Management whose outcome is unknown, without a person where Klarna can tell:
/// the order is read, and a capture or refund is found by the reference it carries (the operation's id), a cancellation
/// by the order's state, a change by the order's amount, reference or address. What took effect is applied; what did not
/// goes out again with the same idempotency key while Klarna still honours it (24 hours), and after that it ends as not
/// having happened. Only an extension or a send-out older than a day, which leave nothing to read, is left to a person.
/// </summary>
public sealed class KlarnaRestReconciler(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    KlarnaRestConnections connections,
    IOptions<KlarnaRestOptions> options,
    TimeProvider time)
{
    private const string Prefix = "Reconciled ";

    /// <summary>How long Klarna carries out a key once (its documented 24 hours, less a margin for clocks).</summary>
    private static readonly TimeSpan KeyWindow = TimeSpan.FromHours(23);

    public async Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId)
    {
        Operation operation;
        Transaction transaction;
        await using (var db = await databases.CreateDbContextAsync())
        {
            transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
            operation = await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == transaction.ActiveOperationId)
                ?? throw new BusinessRuleException("Nothing on this transaction waits to be reconciled.");
        }
        if (await journal.StartReconcilingAsync(operation, transaction.Provider, actor, Prefix) is { } settled)
            return settled;

        var credentials = await connections.ForAsync(transaction);
        var client = connections.Client();
        KlarnaOrder order;
        try
        {
            order = await client.GetOrderAsync(credentials, transaction.Reference);
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna could not be asked, try again later: {0}", e.Message);
        }

        var (found, tellable) = Find(transaction, operation, order);
        if (found is not null)
            return await journal.SettleAsync(operation.Id, actor, found, Prefix);
        var keyLive = time.GetUtcNow() - operation.RequestedAt < KeyWindow;
        if (!keyLive && tellable)
            return await journal.FailReconciledAsync(operation.Id, actor, new Message("Klarna's order shows “{0}” did not happen.", operation.Kind));
        if (!keyLive)
            return new OperationOutcome(operation.Id, OperationState.Unknown, new Message(
                "Klarna's order does not show whether “{0}” happened, and its idempotency key has run out: look the order up in Klarna's merchant portal before anything else is done.",
                operation.Kind));

        var why = tellable
            ? new Message("Klarna's order shows “{0}” did not happen; sent again with the same idempotency key.", operation.Kind)
            : new Message("Klarna's order cannot show whether “{0}” happened; sent again with the same idempotency key, which Klarna carries out once.", operation.Kind);
        var started = await journal.SendAgainAsync(operation.Id, options.Value.Timeout, why);
        ActionAnswer answer;
        try
        {
            answer = await KlarnaRestAction.SendingAgain(started.Operation)
                .CallAsync(new KlarnaRestCall(client, credentials, started.Transaction, started.Invoice, started.Operation));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return await journal.FailAsync(operation.Id, e, actor);
        }
        return await journal.SettleAsync(operation.Id, actor, answer, Prefix);
    }

    /// <summary>What Klarna's order shows of the operation: its answer when it took effect, and whether the order could tell at all.</summary>
    private static (ActionAnswer? Found, bool Tellable) Find(Transaction transaction, Operation operation, KlarnaOrder order)
    {
        var reference = KlarnaRestOrders.ReferenceOf(operation);
        return operation.Kind switch
        {
            OperationKind.Capture => (order.Captures.FirstOrDefault(c => c.Reference == reference) is { } capture ? new ActionAnswer(capture.CaptureId) : null, true),
            OperationKind.Refund => (order.Refunds.FirstOrDefault(r => r.Reference == reference) is { } refund
                ? new ActionAnswer(operation.InvoiceNumber, ProviderReference: refund.RefundId) : null, true),
            OperationKind.Cancel => (order.RemainingAuthorizedAmount == 0 && order.Status is KlarnaOrderStatus.Cancelled or KlarnaOrderStatus.Captured
                && order.CapturedAmount == transaction.CapturedAmount ? new ActionAnswer() : null, true),
            OperationKind.EditLines => (order.OrderAmount == operation.Amount && order.OrderAmount != transaction.ReservedAmount ? new ActionAnswer() : null, true),
            OperationKind.ChangeOrderNumber => (operation.Sets is NewOrderNumber renamed && order.MerchantReference1 == renamed.OrderNumber ? new ActionAnswer() : null, true),
            OperationKind.ChangeAddress => (operation.Sets is NewAddresses moved && order.ShippingAddress?.PostalCode == moved.Shipping.PostalCode
                && order.ShippingAddress?.StreetAddress == $"{moved.Shipping.Street} {moved.Shipping.HouseNumber}".Trim() ? new ActionAnswer() : null, true),
            _ => (null, false),
        };
    }
}
