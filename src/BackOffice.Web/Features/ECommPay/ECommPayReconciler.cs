using BackOffice.ECommPay;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// Settles a refund whose outcome is not known yet without a person (PROTOCOL.md §6): ECommPay's status answer lists
/// every refund of the payment with the <c>merchant_refund_id</c> we sent. Found and decided: applied as it stands;
/// found and still processing: its callback will decide; not there (asked at least <see cref="ECommPayOptions.StatusDelay"/> after it was sent): sent again
/// with the same refund id, which ECommPay refuses (3230) should the first arrive after all.
/// </summary>
public sealed class ECommPayReconciler(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    ECommPayConnections connections,
    IOptions<ECommPayOptions> options,
    TimeProvider time)
{
    private const string Prefix = "Reconciled ";

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
        if (time.GetUtcNow() - operation.RequestedAt < options.Value.StatusDelay)
            return new OperationOutcome(operation.Id, OperationState.Unknown, new Message("ECommPay answers a status request from 10 seconds after the refund was sent; reconcile again in a moment."));

        var (_, project) = await connections.ForAsync(transaction);
        var client = connections.Client();
        ECommPayPayment payment;
        try
        {
            payment = await client.StatusAsync(project, transaction.Reference);
        }
        catch (ECommPayException e)
        {
            throw new BusinessRuleException("ECommPay could not be asked, try again later: {0}", e.Message);
        }
        switch (payment.Refund(SofortRefund.RefundIdOf(operation)))
        {
            case { } found when ECommPayCodes.ClassifyStatus(found.Status) == ECommPayOutcome.Success:
                return await journal.SettleAsync(operation.Id, actor, new ActionAnswer(operation.InvoiceNumber, ProviderReference: found.RequestId), Prefix);
            case { } found when ECommPayCodes.ClassifyStatus(found.Status) == ECommPayOutcome.Declined:
                return await journal.FailReconciledAsync(operation.Id, actor, new Message("ECommPay declined the refund: {0} ({1}).", found.Message ?? "", found.Code ?? ""));
            case { } found:
                return new OperationOutcome(operation.Id, OperationState.Unknown, new Message("ECommPay holds the refund (request {0}) and has not decided it yet; its callback will settle it.", found.RequestId ?? ""));
        }

        var started = await journal.SendAgainAsync(operation.Id, options.Value.Timeout, new Message("ECommPay's status shows no refund {0}: sent again with the same refund id.", SofortRefund.RefundIdOf(operation)));
        try
        {
            await SofortRefund.SendingAgain(started.Operation, options.Value.RefundIp).CallAsync(client, project, started);
        }
        catch (ECommPayRefusedException e) when (e.Outcome == ECommPayOutcome.Duplicate)
        {
            return await journal.MarkUnknownAsync(operation.Id, actor, new Message("The first refund reached ECommPay after all (3230): reconcile again once ECommPay lists it."));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return await journal.FailAsync(operation.Id, e, actor);
        }
        throw new InvalidOperationException("A refund's call ends in an exception: ECommPay decides it later.");
    }
}
