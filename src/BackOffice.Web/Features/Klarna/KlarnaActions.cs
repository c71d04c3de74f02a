using BackOffice.Klarna;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Everything a call to Klarna's legacy API needs, read before the transaction was claimed.</summary>
public sealed record KlarnaCall(
    IKlarnaGateway Gateway, KlarnaCredentials Credentials, ReservationFlags ActivationFlags, Transaction Transaction, Invoice? Invoice, Operation Operation,
    Func<string, Task> RecordSplitAsync);

/// <summary>A money action on Klarna's legacy API.</summary>
public abstract class KlarnaAction(OperationKind kind, string reason = "") : MoneyAction(kind, reason)
{
    public abstract Task<ActionAnswer> CallAsync(KlarnaCall call);

    protected static async Task<ActionAnswer> ActivateAsync(KlarnaCall call, string reservationNumber, IReadOnlyList<LineQuantity>? articles = null)
    {
        var activation = await call.Gateway.ActivateAsync(call.Credentials, reservationNumber,
            new ActivateOptions { Flags = call.ActivationFlags, Articles = articles?.ToKlarna() ?? [] });
        return new ActionAnswer(activation.InvoiceNumber);
    }
}

/// <summary>Captures everything one reservation holds: the next split-off one first, then the main one.</summary>
public sealed class CaptureRemaining(string reason = "") : KlarnaAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CaptureRemainingError());
        return transaction.OpenSplits.FirstOrDefault() is { } split
            ? new OperationPlan(OperationScope.Whole, split.ReservationNumber, split.Amount, [])
            : new OperationPlan(OperationScope.Whole, transaction.Reference, transaction.MainOpenAmount, transaction.UncapturedLinesOfMain());
    }

    public override Task<ActionAnswer> CallAsync(KlarnaCall call) => ActivateAsync(call, call.Operation.Reference!);
}

/// <summary>Captures an amount: all the main reservation holds, or a part split off (split_reservation) and activated.</summary>
public sealed class CaptureAmount(long amount, string reason = "") : KlarnaAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CaptureError(amount));
        return amount == transaction.MainOpenAmount
            ? new OperationPlan(OperationScope.Whole, transaction.Reference, amount, transaction.UncapturedLinesOfMain())
            : new OperationPlan(OperationScope.Amount, transaction.Reference, amount, [], Calls: 2);
    }

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        if (call.Operation.Scope == OperationScope.Whole)
            return await ActivateAsync(call, call.Transaction.Reference);
        var split = await call.Gateway.SplitReservationAsync(call.Credentials, call.Transaction.Reference, amount, call.Transaction.OrderNumber);
        await call.RecordSplitAsync(split.ReservationNumber);
        return await ActivateAsync(call, split.ReservationNumber);
    }
}

/// <summary>Captures line quantities from the main reservation (activate with artnos).</summary>
public sealed class CaptureLines(IReadOnlyList<LineQuantity> articles, string reason = "") : KlarnaAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        var (amount, error) = transaction.LineCapture(articles);
        Refuse(error);
        return new OperationPlan(OperationScope.Lines, transaction.Reference, amount, articles);
    }

    public override Task<ActionAnswer> CallAsync(KlarnaCall call) => ActivateAsync(call, call.Transaction.Reference, articles);
}

/// <summary>
/// New line quantities before anything is captured (update with the goods list): Klarna lowers the reservation to the
/// lines' total, so lines and amount stay one. The operation keeps every line's new quantity.
/// </summary>
public sealed class EditLines(IReadOnlyList<LineQuantity> quantities, string reason = "") : KlarnaAction(OperationKind.EditLines, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.EditLines(transaction, quantities);

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        var goods = call.Transaction.EditedLines(call.Operation.Articles)
            .Select(l => new GoodsLine(l.ArticleNumber, l.Title, l.Quantity, l.UnitPrice, l.VatPercent, 0, l.Flags.ToKlarna())).ToList();
        await call.Gateway.UpdateReservationAsync(call.Credentials, call.Transaction.Reference, new ReservationUpdate { Goods = goods });
        return new ActionAnswer();
    }
}

/// <summary>
/// Cancels one reservation: the next split-off one, then the main one. After a part capture this releases the rest.
/// A pending order is cancelled only by the decline of pending orders (<paramref name="declinePending"/>).
/// </summary>
public sealed class Cancel(string reason = "", bool declinePending = false) : KlarnaAction(OperationKind.Cancel, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        if (declinePending)
            Refuse(transaction.State is TransactionState.Pending || transaction.State == TransactionState.Authorized && transaction.CapturedAmount == 0
                ? null : new Message("Nothing to decline: the transaction is {0}.", transaction.State));
        else
            Refuse(transaction.CanCancel ? null : new Message("A {0} transaction cannot be cancelled.", transaction.State));
        return transaction.OpenSplits.FirstOrDefault() is { } split
            ? new OperationPlan(OperationScope.Whole, split.ReservationNumber, split.Amount, [])
            : new OperationPlan(OperationScope.Whole, transaction.Reference, transaction.MainOpenAmount, []);
    }

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        try
        {
            await call.Gateway.CancelReservationAsync(call.Credentials, call.Operation.Reference!);
        }
        catch (KlarnaFaultException fault) when (declinePending && fault.Code == KlarnaFaultCode.Rno)
        {
            // A pending reservation cannot have been captured: if Klarna no longer knows it, it holds nothing for it.
        }
        return new ActionAnswer();
    }
}

/// <summary>Refunds on one invoice: all that is left (credit_invoice), line quantities (credit_part) or an amount (return_amount).</summary>
public sealed class Refund(string invoiceNumber, long? amount = null, IReadOnlyList<LineQuantity>? articles = null, decimal vatPercent = 0, string reason = "")
    : KlarnaAction(OperationKind.Refund, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.Refund(transaction, invoice, invoiceNumber, amount, articles);

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        var operation = call.Operation;
        _ = operation.Scope switch
        {
            OperationScope.Lines => await call.Gateway.CreditPartAsync(call.Credentials, invoiceNumber, operation.Articles.ToKlarna()),
            OperationScope.Amount => await call.Gateway.ReturnAmountAsync(call.Credentials, invoiceNumber, operation.Amount!.Value, vatPercent, Reason),
            _ => await call.Gateway.CreditInvoiceAsync(call.Credentials, invoiceNumber),
        };
        return new ActionAnswer(invoiceNumber);
    }
}

/// <summary>Sends an invoice again, by post or e-mail as the service is set up.</summary>
public sealed class ResendInvoice(string invoiceNumber, bool byMail) : KlarnaAction(OperationKind.ResendInvoice)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.ResendInvoice(invoice, invoiceNumber);

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        _ = byMail
            ? await call.Gateway.SendInvoiceAsync(call.Credentials, invoiceNumber)
            : await call.Gateway.EmailInvoiceAsync(call.Credentials, invoiceNumber);
        return new ActionAnswer(invoiceNumber);
    }
}

/// <summary>Extends one reservation's expiry (extend_expiry_date); Klarna answers the new date.</summary>
public sealed class ExtendExpiry(string reservationNumber, string reason = "") : KlarnaAction(OperationKind.ExtendExpiry, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanExtend ? null : new Message("A {0} transaction has no reservation to extend.", transaction.State));
        Refuse(reservationNumber == transaction.Reference && transaction.MainOpenAmount > 0 || transaction.OpenSplits.Any(s => s.ReservationNumber == reservationNumber)
            ? null : new Message("Reservation {0} holds nothing any more.", reservationNumber));
        return new OperationPlan(OperationScope.Whole, reservationNumber, null, []);
    }

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call) =>
        new(NewExpiry: await call.Gateway.ExtendExpiryDateAsync(call.Credentials, reservationNumber));
}

/// <summary>The billing and shipping address of the main reservation (update); its goods and amount stay.</summary>
public sealed class ChangeAddress(TransactionAddress billing, TransactionAddress shipping, string reason = "") : KlarnaAction(OperationKind.ChangeAddress, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanChangeAddress ? null : new Message("The addresses of a {0} transaction cannot be changed any more.", transaction.State));
        Refuse(billing.Country != transaction.Country || shipping.Country != transaction.Country
            ? new Message("Both addresses must stay in {0}, the country the order was placed in.", transaction.Country) : null);
        Refuse(billing.ValidationError() ?? shipping.ValidationError());
        return new OperationPlan(OperationScope.Whole, transaction.Reference, null, [], Change: new NewAddresses(billing, shipping));
    }

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        var country = Enum.Parse<KlarnaCountry>(call.Transaction.Country);
        await call.Gateway.UpdateReservationAsync(call.Credentials, call.Transaction.Reference,
            new ReservationUpdate { BillingAddress = ToKlarna(billing, country), ShippingAddress = ToKlarna(shipping, country) });
        return new ActionAnswer();
    }

    /// <summary>The address as Klarna takes it; the phone is sent as the mobile number, as the shop API receives it.</summary>
    private static KlarnaAddress ToKlarna(TransactionAddress address, KlarnaCountry country) => new()
    {
        FirstName = address.FirstName,
        LastName = address.LastName,
        Company = address.Company,
        Street = address.Street,
        HouseNumber = address.HouseNumber,
        PostalCode = address.PostalCode,
        City = address.City,
        Email = address.Email,
        CellPhone = address.Phone,
        Country = country,
    };
}

/// <summary>
/// The order number: before any capture the reservation's (update, orderid1), afterwards the purchase's by its latest
/// invoice (update_orderno), which Klarna applies to the whole purchase.
/// </summary>
public sealed class ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason = "") : KlarnaAction(OperationKind.ChangeOrderNumber, reason)
{
    private readonly string orderNumber = orderNumber.Trim();

    public override string? InvoiceNumber => latestInvoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.ChangeOrderNumber(transaction, invoice, orderNumber, latestInvoiceNumber);

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        if (call.Invoice is { } latest)
        {
            await call.Gateway.UpdateOrderNumberAsync(call.Credentials, latest.InvoiceNumber, orderNumber);
            return new ActionAnswer(latest.InvoiceNumber);
        }
        await call.Gateway.UpdateReservationAsync(call.Credentials, call.Transaction.Reference, new ReservationUpdate { OrderId1 = orderNumber });
        return new ActionAnswer();
    }
}

/// <summary>Moves an invoice's due date by some days (extend_invoice_due_date); Klarna answers the new date and its cost.</summary>
public sealed class ExtendDueDate(string invoiceNumber, int days, string reason = "") : KlarnaAction(OperationKind.ExtendDueDate, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        if (invoice is null)
            throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", invoiceNumber);
        Refuse(ActionPlans.DueDateDaysError(days));
        Refuse(invoice.RefundableAmount == 0 ? new Message("Invoice {0} is refunded in full: nothing is due on it.", invoiceNumber) : null);
        return new OperationPlan(OperationScope.Whole, null, null, [], Change: new DueDateMove(days));
    }

    public override async Task<ActionAnswer> CallAsync(KlarnaCall call)
    {
        var extension = await call.Gateway.ExtendInvoiceDueDateAsync(call.Credentials, invoiceNumber, days);
        return new ActionAnswer(invoiceNumber, NewDueDate: extension.NewDueDate);
    }
}
