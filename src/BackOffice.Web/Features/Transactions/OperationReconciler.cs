using BackOffice.Klarna;
using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

/// <summary>What the operator found in Klarna Online, when Klarna's legacy API cannot tell.</summary>
public sealed record ReconcileAnswer(string? InvoiceNumber = null, bool? Happened = null, string? SplitReservationNumber = null)
{
    public static readonly ReconcileAnswer None = new();
}

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
    TransactionCredentials credentialsOf,
    TimeProvider time)
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
        var what = OperationNames.InSentence(operation.Kind);
        if (operation.IsInFlight(time.GetUtcNow()))
            throw new BusinessRuleException($"The {what} is still waiting for Klarna's answer. If none arrives it can be reconciled from {operation.InFlightUntil.UtcDateTime:HH:mm:ss} UTC.");
        if (operation.AnsweredAt is not null)
            return await journal.SettleAsync(operation.Id, actor, null, Prefix);
        if (operation.State == OperationState.Requested)
            await journal.MarkUnknownAsync(operation.Id, actor, "No answer arrived before the call's time was up.");

        switch (operation.Kind)
        {
            case OperationKind.Capture when operation.Scope == OperationScope.Amount && operation.SplitReservationNumber is null:
                if (answer.SplitReservationNumber is { Length: > 0 } split)
                {
                    if (await IsOpenAsync(credentials, split) != true)
                        throw new BusinessRuleException($"Klarna holds no open reservation {split} for this merchant.");
                    return await journal.FailReconciledAsync(operation.Id, actor,
                        $"{Money.Format(operation.Amount ?? 0, currency)} was split off into reservation {split}; its capture was never sent, so it stays reserved there.", split);
                }
                return answer.Happened == false
                    ? await journal.FailReconciledAsync(operation.Id, actor, "nothing was split off or captured.")
                    : Ask(operation, $"Klarna's legacy API cannot show whether {Money.Format(operation.Amount ?? 0, currency)} was split off. Look the order up in Klarna Online: give the number of the split-off reservation, or confirm that nothing was split off.");
            case OperationKind.Capture:
                if (answer.InvoiceNumber is { Length: > 0 } invoiceNumber)
                {
                    await EnsureNewInvoiceAsync(credentials, transactionId, invoiceNumber);
                    return await journal.SettleAsync(operation.Id, actor, new KlarnaAnswer(invoiceNumber), Prefix);
                }
                if (answer.Happened == false)
                    return await journal.FailReconciledAsync(operation.Id, actor, "the capture did not happen at Klarna; nothing changed.");
                var target = operation.SplitReservationNumber ?? operation.ReservationNumber!;
                if (operation.Scope != OperationScope.Lines && await IsOpenAsync(credentials, target) == true)
                    return await journal.FailReconciledAsync(operation.Id, actor, $"Klarna still holds reservation {target}, so the capture did not happen; nothing changed.");
                return Ask(operation, operation.Scope == OperationScope.Lines
                    ? "A capture of lines leaves the reservation open, so Klarna's legacy API cannot show whether it happened. Look the order up in Klarna Online: give the invoice number if it was captured, or confirm that it was not."
                    : $"Klarna no longer holds reservation {target}. Look the order up in Klarna Online and give the invoice number of the capture, or confirm that it was not captured.");
            case OperationKind.Cancel:
                return await IsOpenAsync(credentials, operation.ReservationNumber!) == true
                    ? await journal.FailReconciledAsync(operation.Id, actor, $"Klarna still holds reservation {operation.ReservationNumber}, so the cancellation did not happen; nothing changed.")
                    : await journal.SettleAsync(operation.Id, actor, new KlarnaAnswer(), Prefix);
            default:
                return answer.Happened switch
                {
                    true => await journal.SettleAsync(operation.Id, actor, new KlarnaAnswer(operation.InvoiceNumber), Prefix),
                    false => await journal.FailReconciledAsync(operation.Id, actor, $"the {what} did not happen at Klarna; nothing changed."),
                    null => Ask(operation, $"Klarna's legacy API cannot show whether the {what} happened. Look the order up in Klarna Online and confirm whether it did."),
                };
        }
    }

    private static OperationOutcome Ask(Operation operation, string question) => new(operation.Id, OperationState.Unknown, question);

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
            throw new BusinessRuleException($"Klarna could not be asked, try again later: {e.Message}");
        }
    }

    private async Task EnsureNewInvoiceAsync(KlarnaCredentials credentials, Guid transactionId, string invoiceNumber)
    {
        await using (var db = await databases.CreateDbContextAsync())
        {
            if (await db.Invoices.AnyAsync(i => i.InvoiceNumber == invoiceNumber))
                throw new BusinessRuleException($"Invoice {invoiceNumber} is recorded already; it cannot be this capture's.");
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
            throw new BusinessRuleException($"Klarna could not be asked, try again later: {e.Message}");
        }
        if (!known)
            throw new BusinessRuleException($"Klarna does not know invoice {invoiceNumber} for this merchant.");
    }
}
