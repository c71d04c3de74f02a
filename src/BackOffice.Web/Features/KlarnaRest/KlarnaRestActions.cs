using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Everything a call to Klarna's Order Management needs: the client, the transaction's merchant, and the operation,
/// whose id makes the idempotency key (the same on every send) and the reference Klarna keeps on a capture or refund
/// (by which a reconciliation finds it).
/// </summary>
public sealed record KlarnaRestCall(KlarnaRestClient Client, KlarnaRestCredentials Credentials, Transaction Transaction, Invoice? Invoice, Operation Operation)
{
    public string OrderId => Transaction.Reference;

    public string Key => KlarnaIdempotencyKey.For(Credentials.Username, Operation.Id);

    public string Reference => KlarnaRestOrders.ReferenceOf(Operation);
}

/// <summary>How the books' lines and operations are said to Klarna.</summary>
public static class KlarnaRestOrders
{
    /// <summary>The reference a capture or refund carries at Klarna (and into its settlement files): the operation's id.</summary>
    public static string ReferenceOf(Operation operation) => operation.Id.ToString("N");

    /// <summary>The line quantities an operation covers, as Klarna's order lines; none when they would not add up to <paramref name="amount"/>.</summary>
    public static IReadOnlyList<KlarnaOrderLine>? Lines(Transaction transaction, IReadOnlyList<LineQuantity> quantities, long amount)
    {
        var lines = quantities.Where(q => q.Quantity > 0).Select(q => Line(transaction.Lines.First(l => l.ArticleNumber == q.ArticleNumber), q.Quantity)).ToList();
        return lines.Count > 0 && lines.Sum(l => l.TotalAmount) == amount ? lines : null;
    }

    public static KlarnaOrderLine Line(TransactionLine line, int quantity)
    {
        var rate = KlarnaTax.Rate(line.VatPercent);
        var total = quantity * line.UnitPrice;
        var type = line.Flags.HasFlag(LineFlags.IsShipment) ? "shipping_fee" : line.Flags.HasFlag(LineFlags.IsHandling) ? "surcharge" : "physical";
        return new KlarnaOrderLine(line.Title, quantity, line.UnitPrice, total, Reference: line.ArticleNumber, Type: type, TaxRate: rate, TotalTaxAmount: KlarnaTax.Of(total, rate));
    }
}

/// <summary>
/// An after-purchase action on Klarna's Order Management: its rules, and its call, which reads only the operation row,
/// so that a call of unknown outcome can be sent again exactly as it was, with the same idempotency key (<see cref="SendingAgain"/>).
/// </summary>
public abstract class KlarnaRestAction(OperationKind kind, string reason = "") : MoneyAction(kind, reason)
{
    protected abstract Task<ActionAnswer> SendAsync(KlarnaRestCall call);

    /// <summary>The action that sends <paramref name="operation"/>'s call again, with its key.</summary>
    public static KlarnaRestAction SendingAgain(Operation operation) => operation.Kind switch
    {
        OperationKind.Capture => new KlarnaRestCapture(null, null, null),
        OperationKind.Cancel => new KlarnaRestCancel(),
        OperationKind.Refund => new KlarnaRestRefund(operation.InvoiceNumber!, null, null),
        OperationKind.EditLines => new KlarnaRestUpdateAuthorization([]),
        OperationKind.ChangeOrderNumber => new KlarnaRestMerchantReferences(),
        OperationKind.ResendInvoice => new KlarnaRestSendOut(operation.InvoiceNumber!),
        OperationKind.ExtendExpiry => new KlarnaRestExtend(),
        OperationKind.ChangeAddress => new KlarnaRestShippingAddress(),
        _ => throw new InvalidOperationException($"{operation.Kind} is not a Klarna REST action."),
    };

    /// <summary>Sends the call: done, refused (nothing happened), not reached (nothing happened), or of unknown outcome.</summary>
    public async Task<ActionAnswer> CallAsync(KlarnaRestCall call)
    {
        try
        {
            return await SendAsync(call);
        }
        catch (KlarnaRestRefusedException e)
        {
            throw new ProviderRefusedException(new Message("Klarna refused it: {0} ({1}); nothing happened.", e.Error.Text, e.Error.ErrorCode), e.Status, $"{e.Error.ErrorCode} {e.Error.Text}");
        }
        catch (KlarnaRestUnavailableException e)
        {
            throw new ProviderUnreachableException(new Message("Klarna could not be reached; nothing happened: {0}", e.Message));
        }
    }
}

/// <summary>Captures everything that remains, an amount or line quantities (<c>POST …/captures</c>); its id is the capture record's number.</summary>
public sealed class KlarnaRestCapture(long? amount, IReadOnlyList<LineQuantity>? lines, Shipment? shipment, string reason = "") : KlarnaRestAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        if (lines is { Count: > 0 })
        {
            var (value, error) = transaction.LineCapture(lines);
            Refuse(error);
            return new OperationPlan(OperationScope.Lines, transaction.Reference, value, lines, Change: shipment);
        }
        Refuse(amount is { } requested ? transaction.CaptureError(requested) : transaction.CaptureRemainingError());
        var captured = amount ?? transaction.RemainingAmount;
        return captured == transaction.RemainingAmount
            ? new OperationPlan(OperationScope.Whole, transaction.Reference, captured, transaction.UncapturedLinesOfMain(), Change: shipment)
            : new OperationPlan(OperationScope.Amount, transaction.Reference, captured, [], Change: shipment);
    }

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        var amount = call.Operation.Amount!.Value;
        var shipping = call.Operation.Sets is Shipment shipment
            ? new[] { new KlarnaShippingInfo { ShippingCompany = shipment.Carrier.Length > 0 ? shipment.Carrier : null, TrackingNumber = shipment.TrackingNumber.Length > 0 ? shipment.TrackingNumber : null } }
            : null;
        var id = await call.Client.CaptureAsync(call.Credentials, call.OrderId,
            new KlarnaCaptureRequest(amount, call.Reference, OrderLines: KlarnaRestOrders.Lines(call.Transaction, call.Operation.Articles, amount), ShippingInfo: shipping), call.Key);
        return new ActionAnswer(id);
    }
}

/// <summary>Refunds on one capture (<c>POST …/refunds</c>), with its lines where known, so that Klarna puts it on that capture.</summary>
public sealed class KlarnaRestRefund(string invoiceNumber, long? amount, IReadOnlyList<LineQuantity>? lines, string reason = "") : KlarnaRestAction(OperationKind.Refund, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.Refund(transaction, invoice, invoiceNumber, amount, lines);

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        var amount = call.Operation.Amount!.Value;
        var id = await call.Client.RefundAsync(call.Credentials, call.OrderId,
            new KlarnaRefundRequest(amount, call.Reference, OrderLines: KlarnaRestOrders.Lines(call.Transaction, call.Operation.Articles, amount)), call.Key);
        return new ActionAnswer(call.Operation.InvoiceNumber, ProviderReference: id);
    }
}

/// <summary>
/// Releases what remains authorized: the whole order before a capture (<c>…/cancel</c>), the rest after a part capture
/// (<c>…/release-remaining-authorization</c>).
/// </summary>
public sealed class KlarnaRestCancel(string reason = "") : KlarnaRestAction(OperationKind.Cancel, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanCancel ? null : new Message("A {0} transaction cannot be cancelled.", transaction.State));
        return new OperationPlan(OperationScope.Whole, transaction.Reference, transaction.RemainingAmount, []);
    }

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        if (call.Transaction.CapturedAmount == 0)
            await call.Client.CancelAsync(call.Credentials, call.OrderId, call.Key);
        else
            await call.Client.ReleaseRemainingAuthorizationAsync(call.Credentials, call.OrderId, call.Key);
        return new ActionAnswer();
    }
}

/// <summary>New line quantities before the first capture (<c>PATCH …/authorization</c>): the order's amount and lines together.</summary>
public sealed class KlarnaRestUpdateAuthorization(IReadOnlyList<LineQuantity> quantities, string reason = "") : KlarnaRestAction(OperationKind.EditLines, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.EditLines(transaction, quantities);

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        var amount = call.Operation.Amount!.Value;
        var lines = call.Operation.Articles.Where(a => a.Quantity > 0).Select(a => KlarnaRestOrders.Line(call.Transaction.Lines.First(l => l.ArticleNumber == a.ArticleNumber), a.Quantity)).ToList();
        await call.Client.UpdateAuthorizationAsync(call.Credentials, call.OrderId, new KlarnaAuthorizationUpdate(amount, lines), call.Key);
        return new ActionAnswer();
    }
}

/// <summary>The order number, as the order's first merchant reference (<c>PATCH …/merchant-references</c>); Klarna takes it also after a capture.</summary>
public sealed class KlarnaRestMerchantReferences(string orderNumber = "", string reason = "") : KlarnaRestAction(OperationKind.ChangeOrderNumber, reason)
{
    private readonly string orderNumber = orderNumber.Trim();

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(orderNumber.Length > 255 ? new Message("Klarna keeps at most {0} characters of an order number.", 255) : null);
        return ActionPlans.ChangeOrderNumber(transaction, invoice, orderNumber, null);
    }

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        await call.Client.UpdateMerchantReferencesAsync(call.Credentials, call.OrderId, new KlarnaMerchantReferences(((NewOrderNumber)call.Operation.Sets!).OrderNumber), call.Key);
        return new ActionAnswer();
    }
}

/// <summary>Has Klarna send the customer a capture's communication again (<c>…/captures/{id}/trigger-send-out</c>).</summary>
public sealed class KlarnaRestSendOut(string invoiceNumber) : KlarnaRestAction(OperationKind.ResendInvoice)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.ResendInvoice(invoice, invoiceNumber);

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        await call.Client.TriggerSendOutAsync(call.Credentials, call.OrderId, call.Operation.InvoiceNumber!, call.Key);
        return new ActionAnswer(call.Operation.InvoiceNumber);
    }
}

/// <summary>Extends the authorization (<c>…/extend-authorization-time</c>); Klarna answers nothing, so the new expiry is read back.</summary>
public sealed class KlarnaRestExtend(string reason = "") : KlarnaRestAction(OperationKind.ExtendExpiry, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanExtend ? null : new Message("A {0} transaction has no authorization to extend.", transaction.State));
        return new OperationPlan(OperationScope.Whole, transaction.Reference, null, []);
    }

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        await call.Client.ExtendAuthorizationTimeAsync(call.Credentials, call.OrderId, call.Key);
        try
        {
            return new ActionAnswer(NewExpiry: (await call.Client.GetOrderAsync(call.Credentials, call.OrderId)).ExpiresAt);
        }
        catch (KlarnaRestException)
        {
            // It was extended; only the new date could not be read. The books say so.
            return new ActionAnswer();
        }
    }
}

/// <summary>A new shipping address (<c>PATCH …/customer-details</c>); Klarna no longer takes a new billing address.</summary>
public sealed class KlarnaRestShippingAddress(TransactionAddress? billing = null, TransactionAddress? shipping = null, string reason = "") : KlarnaRestAction(OperationKind.ChangeAddress, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanChangeAddress ? null : new Message("The addresses of a {0} transaction cannot be changed any more.", transaction.State));
        Refuse(billing != transaction.BillingAddress ? new Message("Klarna takes only a new shipping address; the billing address stays.") : null);
        Refuse(shipping!.Country != transaction.Country ? new Message("The shipping address must stay in {0}, the country the order was placed in.", transaction.Country) : null);
        Refuse(shipping.ValidationError());
        return new OperationPlan(OperationScope.Whole, transaction.Reference, null, [], Change: new NewAddresses(billing!, shipping));
    }

    protected override async Task<ActionAnswer> SendAsync(KlarnaRestCall call)
    {
        var address = ((NewAddresses)call.Operation.Sets!).Shipping;
        await call.Client.UpdateCustomerDetailsAsync(call.Credentials, call.OrderId, new KlarnaCustomerDetailsUpdate(new KlarnaAddress
        {
            GivenName = address.FirstName, FamilyName = address.LastName, OrganizationName = address.Company.Length > 0 ? address.Company : null,
            StreetAddress = $"{address.Street} {address.HouseNumber}".Trim(), PostalCode = address.PostalCode, City = address.City, Country = address.Country,
            Email = address.Email.Length > 0 ? address.Email : null, Phone = address.Phone.Length > 0 ? address.Phone : null,
        }), call.Key);
        return new ActionAnswer();
    }
}
