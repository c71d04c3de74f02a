using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// How calls to a provider behave: how long one may take, and whether a call carries an idempotency key (then one of
/// unknown outcome may be sent again with it once an inquiry shows the first is final).
/// </summary>
public sealed record CallTraits(TimeSpan Timeout, bool Idempotent);

/// <summary>How an invoice sent again reaches the customer.</summary>
public enum InvoiceDelivery
{
    EMail,
    Mail,

    /// <summary>The provider sends it the way the customer chose with it.</summary>
    AsTheCustomerChose,
}

/// <summary>What moving an invoice's due date costs (minor units) and the date it moves to, as the provider quotes it.</summary>
public sealed record DueDateQuote(long Cost, DateOnly NewDueDate);

/// <summary>What the operator found in Klarna Online, when Klarna's legacy API cannot tell.</summary>
public sealed record ReconcileAnswer(string? InvoiceNumber = null, bool? Happened = null, string? SplitReference = null)
{
    public static readonly ReconcileAnswer None = new();
}

/// <summary>A provider reached for one transaction's merchant; its credentials were read before the transaction was claimed.</summary>
public interface IProviderConnection
{
    Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started);
}

/// <summary>
/// One provider's side of the money actions: the action that carries out each request with it, the connection its
/// calls go through, and the reconciliation of an outcome that is not known. The journal, the claim and the rules of
/// unknown outcomes stay common (<see cref="TransactionService"/>).
/// </summary>
public interface IPaymentPort
{
    PaymentProvider Provider { get; }

    CallTraits Traits { get; }

    /// <summary>
    /// A capture of everything that remains (no amount, no lines), an amount, or lines; <paramref name="final"/> releases
    /// the rest with it; a <paramref name="shipment"/> goes with it (<see cref="Capabilities.CaptureShipment"/>).
    /// </summary>
    MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason);

    MoneyAction Cancel(string reason);

    MoneyAction Refund(RefundRequest request);

    MoneyAction EditLines(IReadOnlyList<LineQuantity> quantities, string reason) => throw Lacks(Capabilities.EditLines);

    MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason) => throw Lacks(Capabilities.ChangeOrderNumber);

    MoneyAction ResendInvoice(string invoiceNumber, bool byMail) => throw Lacks(Capabilities.ResendInvoice);

    /// <summary>How an invoice sent again reaches the customer, as the transaction's service is set.</summary>
    Task<InvoiceDelivery> InvoiceDeliveryAsync(Transaction transaction) => Task.FromResult(InvoiceDelivery.AsTheCustomerChose);

    /// <summary>Extends how long one hold (<paramref name="holdReference"/>) keeps its money (<see cref="Capabilities.ExtendExpiry"/>).</summary>
    MoneyAction ExtendExpiry(string holdReference, string reason) => throw Lacks(Capabilities.ExtendExpiry);

    MoneyAction ChangeAddress(TransactionAddress billing, TransactionAddress shipping, string reason) => throw Lacks(Capabilities.ChangeAddress);

    MoneyAction ExtendDueDate(string invoiceNumber, int days, string reason) => throw Lacks(Capabilities.ExtendDueDate);

    /// <summary>What moving an invoice's due date would cost and the date it would get; the provider is asked, nothing changes.</summary>
    Task<DueDateQuote> QuoteDueDateAsync(Transaction transaction, string invoiceNumber, int days) => throw Lacks(Capabilities.ExtendDueDate);

    /// <summary>The cancellation of a pending order its service declines (<see cref="Capabilities.DeclinePending"/>).</summary>
    MoneyAction DeclinePending(string reason) => throw Lacks(Capabilities.DeclinePending);

    Task<IProviderConnection> ConnectAsync(Transaction transaction);

    /// <summary>
    /// Why the channel's settings for this provider no longer match the merchant the transaction was made with (its
    /// actions keep using its own), or null.
    /// </summary>
    Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channels.Channel channel, Transaction transaction, CancellationToken cancellationToken);

    /// <summary>Where staff download an invoice's document, while the provider keeps one; null when it does not.</summary>
    string? InvoiceDocument(Transaction transaction, Invoice invoice, DateTimeOffset now) => null;

    Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer);

    /// <summary>Never reached through the service, which checks the provider's capabilities first; a port may not do everything.</summary>
    private static BusinessRuleException Lacks(Capabilities capability) => new("This provider cannot do this: “{0}” is not one of its actions.", capability);
}

/// <summary>The port of the transaction's provider.</summary>
public sealed class PaymentPorts(IEnumerable<IPaymentPort> ports)
{
    public IPaymentPort For(PaymentProvider provider) => ports.Single(p => p.Provider == provider);
}
