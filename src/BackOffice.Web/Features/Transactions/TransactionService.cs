using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// The money actions. Each runs as one operation: its rules are checked and its row written and the transaction
/// claimed (one action at a time, enforced by the version check) before Klarna is called with the transaction's own
/// merchant and environment; Klarna's answer is recorded and then applied to the books. A call whose outcome is
/// unknown leaves the operation Unknown and the transaction claimed until it is reconciled. Actions that touch several
/// reservations of an order (a split-off one and the main one) run one operation per reservation, and stop at the
/// first that does not succeed.
/// </summary>
public sealed class TransactionService(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    OperationJournal journal,
    PaymentPorts ports)
{
    /// <summary>The actor of the delayed cancellation of pending orders, as the audit log and timeline show it.</summary>
    public const string PendingDeclineActor = "Decline pending orders";

    public async Task<OperationOutcome> CaptureAsync(ClaimsPrincipal user, Guid transactionId, CaptureRequest request)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        if (request.Shipment?.Error() is { } shipmentError)
            throw new BusinessRuleException(shipmentError);
        var shipment = request.Shipment is { } given ? new Shipment(given.Carrier.Trim(), given.TrackingNumber.Trim()) : null;
        var capability = (request.Final ? Capabilities.FinalCapture : 0) | (shipment is null ? 0 : Capabilities.CaptureShipment)
            | (request.Lines is { Count: > 0 } ? Capabilities.CaptureLines : request.Amount is not null ? Capabilities.CaptureAmount : Capabilities.CaptureWhole);
        if (request.Lines is { Count: > 0 } || request.Amount is not null)
            return await RunAsync(user.Name(), transactionId, capability, port => port.Capture(request.Amount, request.Lines, request.Final, shipment, request.Reason));
        return await RunEachAsync(user.Name(), transactionId, capability, port => port.Capture(null, null, false, shipment, request.Reason), t => t.RemainingAmount > 0);
    }

    /// <summary>Lowers line quantities before a capture; the reservation follows their total.</summary>
    public async Task<OperationOutcome> EditLinesAsync(ClaimsPrincipal user, Guid transactionId, IReadOnlyList<LineQuantity> quantities, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunAsync(user.Name(), transactionId, Capabilities.EditLines, port => port.EditLines(quantities, reason));
    }

    /// <summary>Cancels every reservation of the order still open; after a part capture that releases the rest.</summary>
    public async Task<OperationOutcome> CancelAsync(ClaimsPrincipal user, Guid transactionId, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunEachAsync(user.Name(), transactionId, Capabilities.Cancel, port => port.Cancel(reason), t => t.CanCancel);
    }

    public async Task<OperationOutcome> RefundAsync(ClaimsPrincipal user, Guid transactionId, RefundRequest request)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunAsync(user.Name(), transactionId, request.Lines is { Count: > 0 } ? Capabilities.RefundLines : Capabilities.RefundAmount, port => port.Refund(request));
    }

    public async Task<OperationOutcome> ResendInvoiceAsync(ClaimsPrincipal user, Guid transactionId, string invoiceNumber, InvoiceDelivery delivery)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunAsync(user.Name(), transactionId, Capabilities.ResendInvoice, port => port.ResendInvoice(invoiceNumber, delivery == InvoiceDelivery.Mail));
    }

    /// <summary>How an invoice of the transaction sent again reaches the customer.</summary>
    public Task<InvoiceDelivery> InvoiceDeliveryAsync(Transaction transaction) => ports.For(transaction.Provider).InvoiceDeliveryAsync(transaction);

    /// <summary>Extends every reservation of the order still open.</summary>
    public async Task<OperationOutcome> ExtendExpiryAsync(ClaimsPrincipal user, Guid transactionId, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        var transaction = await FindAsync(transactionId);
        Require(transaction, Capabilities.ExtendExpiry);
        if (!transaction.CanExtend)
            throw new BusinessRuleException("A {0} transaction has no reservation to extend.", transaction.State);
        string[] reservations = [.. transaction.OpenSplits.Select(s => s.ReservationNumber), .. transaction.MainOpenAmount > 0 ? [transaction.Reference] : Array.Empty<string>()];
        OperationOutcome? outcome = null;
        foreach (var reservation in reservations)
        {
            outcome = Combine(outcome, await RunAsync(user.Name(), transactionId, Capabilities.ExtendExpiry, port => port.ExtendExpiry(reservation, reason)));
            if (!outcome.Succeeded)
                break;
        }
        return outcome!;
    }

    public async Task<OperationOutcome> ChangeAddressAsync(ClaimsPrincipal user, Guid transactionId, TransactionAddress billing, TransactionAddress shipping, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunAsync(user.Name(), transactionId, Capabilities.ChangeAddress, port => port.ChangeAddress(Trimmed(billing), Trimmed(shipping), reason));
    }

    public async Task<OperationOutcome> ChangeOrderNumberAsync(ClaimsPrincipal user, Guid transactionId, string orderNumber, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        orderNumber = orderNumber.Trim();
        string? latestInvoice;
        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
            if (await db.Transactions.AnyAsync(t => t.ChannelId == transaction.ChannelId && t.OrderNumber == orderNumber && t.Id != transactionId))
                throw new BusinessRuleException("The channel has an order {0} already.", orderNumber);
            latestInvoice = await db.Invoices.Where(i => i.TransactionId == transactionId).OrderByDescending(i => i.CapturedAt).Select(i => i.InvoiceNumber).FirstOrDefaultAsync();
        }
        return await RunAsync(user.Name(), transactionId, Capabilities.ChangeOrderNumber, port => port.ChangeOrderNumber(orderNumber, latestInvoice, reason));
    }

    public async Task<OperationOutcome> ExtendDueDateAsync(ClaimsPrincipal user, Guid transactionId, string invoiceNumber, int days, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await RunAsync(user.Name(), transactionId, Capabilities.ExtendDueDate, port => port.ExtendDueDate(invoiceNumber, days, reason));
    }

    /// <summary>What moving an invoice's due date would cost and the date it would get; the provider is asked, nothing changes.</summary>
    public async Task<DueDateQuote> QuoteDueDateAsync(ClaimsPrincipal user, Guid transactionId, string invoiceNumber, int days)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        if (ActionPlans.DueDateDaysError(days) is { } error)
            throw new BusinessRuleException(error);
        Transaction transaction;
        await using (var db = await databases.CreateDbContextAsync())
        {
            transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
            Require(transaction, Capabilities.ExtendDueDate);
            if (!await db.Invoices.AnyAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == invoiceNumber))
                throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", invoiceNumber);
        }
        return await ports.For(transaction.Provider).QuoteDueDateAsync(transaction, invoiceNumber, days);
    }

    /// <summary>Settles the operation of unknown outcome as the transaction's provider can (<see cref="IPaymentPort.ReconcileAsync"/>).</summary>
    public async Task<OperationOutcome> ReconcileAsync(ClaimsPrincipal user, Guid transactionId, string? invoiceNumber = null, bool? happened = null, string? splitReference = null)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        var port = ports.For((await FindAsync(transactionId)).Provider);
        return await port.ReconcileAsync(user.Name(), transactionId, new ReconcileAnswer(invoiceNumber?.Trim(), happened, splitReference?.Trim()));
    }

    /// <summary>The delayed cancellation of a pending order whose service declines pending orders; journaled like every money action.</summary>
    internal Task<OperationOutcome> DeclinePendingAsync(Guid transactionId, string reason) =>
        RunAsync(PendingDeclineActor, transactionId, Capabilities.DeclinePending, port => port.DeclinePending(reason));

    /// <summary>
    /// One operation: the transaction's provider must be able to do <paramref name="capability"/>; its port makes the
    /// action, which is journaled and claimed before the call.
    /// </summary>
    private async Task<OperationOutcome> RunAsync(string actor, Guid transactionId, Capabilities capability, Func<IPaymentPort, MoneyAction> actionOf)
    {
        var transaction = await FindAsync(transactionId);
        Require(transaction, capability);
        var port = ports.For(transaction.Provider);
        var action = actionOf(port);
        var connection = await port.ConnectAsync(transaction);
        var started = await journal.BeginAsync(actor, transactionId, action, port.Traits);
        var operation = started.Operation;
        ActionAnswer answer;
        try
        {
            answer = await connection.CallAsync(action, started);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A refusal or an unreachable provider ends the operation; anything else leaves its outcome unknown.
            return await journal.FailAsync(operation.Id, e, actor);
        }
        return await journal.SucceedAsync(operation.Id, answer, actor);
    }

    /// <summary>Runs the action once per reservation it has to touch, while <paramref name="more"/> holds and each succeeds.</summary>
    private async Task<OperationOutcome> RunEachAsync(string actor, Guid transactionId, Capabilities capability, Func<IPaymentPort, MoneyAction> actionOf, Func<Transaction, bool> more)
    {
        var outcome = await RunAsync(actor, transactionId, capability, actionOf);
        for (var i = 0; outcome.Succeeded && i < 20 && more(await FindAsync(transactionId)); i++)
            outcome = Combine(outcome, await RunAsync(actor, transactionId, capability, actionOf));
        return outcome;
    }

    private static void Require(Transaction transaction, Capabilities capability)
    {
        if (transaction.LacksError(capability) is { } error)
            throw new BusinessRuleException(error);
    }

    private static TransactionAddress Trimmed(TransactionAddress address) => new(address.FirstName.Trim(), address.LastName.Trim(), address.Company.Trim(),
        address.Street.Trim(), address.HouseNumber.Trim(), address.PostalCode.Trim(), address.City.Trim(), address.Country.Trim(), address.Email.Trim(), address.Phone.Trim());

    private static OperationOutcome Combine(OperationOutcome? earlier, OperationOutcome next) =>
        earlier is null ? next : next with { Message = new Message("{0} {1}", earlier.Message, next.Message) };

    private async Task<Transaction> FindAsync(Guid id)
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id) ?? throw new BusinessRuleException("There is no such transaction.");
    }
}
