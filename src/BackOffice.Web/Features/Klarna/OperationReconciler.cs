using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// Settles the operation whose outcome is unknown, never by sending it again. A recorded answer is applied; otherwise
/// Klarna is asked what its legacy API can tell (whether a reservation is still open, whether an invoice exists): a
/// capture of a whole reservation and a cancellation settle on their own. Beyond that the operator, having looked the
/// order up in Klarna Online, gives the invoice a capture made, the reservation an amount was split into, or says
/// whether the action happened. The status job runs the automatic part for every unknown outcome.
/// </summary>
public sealed class OperationReconciler(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf)
{
    private const string Prefix = "Reconciled ";

    public async Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer)
    {
        Operation operation;
        KlarnaCredentials credentials;
        string currency;
        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
            operation = await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == transaction.ActiveOperationId)
                ?? throw new BusinessRuleException("Nothing on this transaction waits to be reconciled.");
            credentials = await credentialsOf.ForAsync(db, transaction);
            currency = transaction.Currency;
        }
        if (await journal.StartReconcilingAsync(operation, KlarnaModule.Provider, actor, Prefix) is { } settled)
            return settled;

        switch (operation.Kind)
        {
            case OperationKind.Capture when operation.Scope == OperationScope.Amount && operation.SplitReference is null:
                if (answer.SplitReference is { Length: > 0 } split)
                {
                    if (await IsOpenAsync(credentials, split) != true)
                        throw new BusinessRuleException("Klarna holds no open reservation {0} for this merchant.", split);
                    return await journal.FailReconciledAsync(operation.Id, actor,
                        new Message("{0} was split off into reservation {1}; its capture was never sent, so it stays reserved there.", new Amount(operation.Amount ?? 0, currency), split), split);
                }
                return answer.Happened == false
                    ? await journal.FailReconciledAsync(operation.Id, actor, new Message("nothing was split off or captured."))
                    : Ask(operation, new Message("Klarna's legacy API cannot show whether {0} was split off. Look the order up in Klarna Online: give the number of the split-off reservation, or confirm that nothing was split off.", new Amount(operation.Amount ?? 0, currency)));
            case OperationKind.Capture:
                if (answer.InvoiceNumber is { Length: > 0 } invoiceNumber)
                {
                    await EnsureNewInvoiceAsync(credentials, transactionId, invoiceNumber);
                    return await journal.SettleAsync(operation.Id, actor, new ActionAnswer(invoiceNumber), Prefix);
                }
                if (answer.Happened == false)
                    return await journal.FailReconciledAsync(operation.Id, actor, new Message("the capture did not happen at Klarna; nothing changed."));
                var target = operation.SplitReference ?? operation.Reference!;
                if (operation.Scope != OperationScope.Lines && await IsOpenAsync(credentials, target) == true)
                    return await journal.FailReconciledAsync(operation.Id, actor, new Message("Klarna still holds reservation {0}, so the capture did not happen; nothing changed.", target));
                return Ask(operation, operation.Scope == OperationScope.Lines
                    ? new Message("A capture of lines leaves the reservation open, so Klarna's legacy API cannot show whether it happened. Look the order up in Klarna Online: give the invoice number if it was captured, or confirm that it was not.")
                    : new Message("Klarna no longer holds reservation {0}. Look the order up in Klarna Online and give the invoice number of the capture, or confirm that it was not captured.", target));
            case OperationKind.Cancel:
                return await IsOpenAsync(credentials, operation.Reference!) == true
                    ? await journal.FailReconciledAsync(operation.Id, actor, new Message("Klarna still holds reservation {0}, so the cancellation did not happen; nothing changed.", operation.Reference))
                    : await journal.SettleAsync(operation.Id, actor, new ActionAnswer(), Prefix);
            default:
                return answer.Happened switch
                {
                    true => await journal.SettleAsync(operation.Id, actor, new ActionAnswer(operation.InvoiceNumber), Prefix),
                    false => await journal.FailReconciledAsync(operation.Id, actor, new Message("“{0}” did not happen at Klarna; nothing changed.", operation.Kind)),
                    null => Ask(operation, new Message("Klarna's legacy API cannot show whether “{0}” happened. Look the order up in Klarna Online and confirm whether it did.", operation.Kind)),
                };
        }
    }

    private static OperationOutcome Ask(Operation operation, Message question) => new(operation.Id, OperationState.Unknown, question);

    /// <summary>True when Klarna still holds the reservation, false when it no longer knows it as open (9109).</summary>
    private async Task<bool?> IsOpenAsync(KlarnaCredentials credentials, string reservationNumber)
    {
        try
        {
            await gateway.CheckOrderStatusAsync(credentials, reservationNumber);
            return true;
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Rno)
        {
            return false;
        }
        catch (KlarnaException e)
        {
            throw new BusinessRuleException("Klarna could not be asked, try again later: {0}", e.Message);
        }
    }

    private async Task EnsureNewInvoiceAsync(KlarnaCredentials credentials, Guid transactionId, string invoiceNumber)
    {
        await using (var db = await databases.CreateDbContextAsync())
        {
            if (await db.Invoices.AnyAsync(i => i.InvoiceNumber == invoiceNumber))
                throw new BusinessRuleException("Invoice {0} is recorded already; it cannot be this capture's.", invoiceNumber);
        }
        bool known;
        try
        {
            known = await gateway.CheckOrderStatusAsync(credentials, invoiceNumber) == OrderStatus.Accepted;
        }
        catch (KlarnaFaultException)
        {
            known = false;
        }
        catch (KlarnaException e)
        {
            throw new BusinessRuleException("Klarna could not be asked, try again later: {0}", e.Message);
        }
        if (!known)
            throw new BusinessRuleException("Klarna does not know invoice {0} for this merchant.", invoiceNumber);
    }
}
