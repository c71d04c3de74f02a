using BackOffice.Computop;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// Settles a Computop operation whose outcome is unknown without a person: an inquiry first shows whether the first
/// call is final — its amounts at Paygate either already include it or do not — and then the call goes out again with
/// the same ReqId. Paygate answers a repeat of a final call with that call's own answer (and does nothing), and carries
/// out one that never arrived; so the books get the invoice number either way and nothing happens twice. Amounts that
/// fit neither leave the operation Unknown for a person to look at in Computop's portal.
/// </summary>
public sealed class ComputopReconciler(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    ComputopConnections connections,
    IOptions<ComputopOptions> options)
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
        if (operation.BatchId is not null)
            throw new BusinessRuleException("“{0}” went in a Computop batch file, which carries no request ID: import the file's response to settle it, or look the payment up in Computop's portal.", operation.Kind);
        if (await journal.StartReconcilingAsync(operation, transaction.Provider, actor, Prefix) is { } settled)
            return settled;

        var (client, credentials) = await connections.ForAsync(transaction);
        PaygateAnswer inquiry;
        try
        {
            inquiry = await client.InquireAsync(credentials, transaction.Reference, transaction.ProviderOrderId ?? transaction.OrderNumber);
        }
        catch (ComputopException e)
        {
            throw new BusinessRuleException("Computop could not be asked, try again later: {0}", e.Message);
        }
        if (inquiry.Outcome != PaygateOutcome.Succeeded)
            throw new BusinessRuleException("Computop's inquiry answered {0} {1}; nothing was settled.", inquiry.Code ?? "", inquiry.Description ?? "");

        var finding = Compare(transaction, operation, inquiry);
        if (finding is null)
            return new OperationOutcome(operation.Id, OperationState.Unknown, new Message(
                "Computop's amounts fit neither outcome (authorized {0}, captured {1}, credited {2}; the books: captured {3}, refunded {4}). Look the payment up in Computop's portal before anything else is done.",
                Amount(inquiry.AmountAuthorized, transaction), Amount(inquiry.AmountCaptured, transaction), Amount(inquiry.AmountCredited, transaction),
                Amount(transaction.CapturedAmount, transaction), Amount(transaction.RefundedAmount, transaction)));

        var started = await journal.SendAgainAsync(operation.Id, options.Value.Timeout, finding.Why);
        ActionAnswer answer;
        try
        {
            answer = await ComputopAction.SendingAgain(started.Operation)
                .CallAsync(new ComputopCall(client, credentials, started.Transaction, started.Invoice, started.Operation));
        }
        catch (ProviderRefusedException e) when (finding.Happened)
        {
            // Paygate did it: a refused repeat only withholds its answer, so the operation must not end as failed.
            return await journal.MarkUnknownAsync(operation.Id, actor, new Message(
                "Computop's inquiry shows “{0}” happened, but the repeat that fetches its answer was refused ({1}); reconcile again later.", operation.Kind, e.FaultText));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return await journal.FailAsync(operation.Id, e, actor);
        }
        return await journal.SettleAsync(operation.Id, actor, answer, Prefix);
    }

    /// <summary>What the inquiry shows of the operation: whether it happened, and that as the reason it is sent again.</summary>
    private sealed record Finding(bool Happened, Message Why);

    /// <summary>Null when Paygate's amounts fit neither the operation's having happened nor its not having happened.</summary>
    private static Finding? Compare(Transaction transaction, Operation operation, PaygateAnswer inquiry)
    {
        var (authorized, captured, credited) = (inquiry.AmountAuthorized ?? 0, inquiry.AmountCaptured ?? 0, inquiry.AmountCredited ?? 0);
        var amount = operation.Amount ?? 0;
        var (happened, notHappened) = operation.Kind switch
        {
            OperationKind.Capture => (captured == transaction.CapturedAmount + amount, captured == transaction.CapturedAmount),
            OperationKind.Refund => (credited == transaction.RefundedAmount + amount, credited == transaction.RefundedAmount),
            OperationKind.Cancel => (authorized == captured && captured == transaction.CapturedAmount, authorized - captured == transaction.RemainingAmount),
            OperationKind.EditLines => (authorized == amount, authorized == transaction.ReservedAmount),
            // Setting a reference or sending an invoice again leaves no amount behind; sending it again does no harm.
            _ => (false, true),
        };
        var requestId = operation.RequestId ?? "";
        return happened ? new Finding(true, new Message("Computop's inquiry shows “{0}” happened; sent again with the same request ID {1} to get its answer.", operation.Kind, requestId))
            : notHappened ? new Finding(false, new Message("Computop's inquiry shows “{0}” did not happen; sent again with the same request ID {1}.", operation.Kind, requestId))
            : null;
    }

    private static Amount Amount(long? minor, Transaction transaction) => new(minor ?? 0, transaction.Currency);
}
