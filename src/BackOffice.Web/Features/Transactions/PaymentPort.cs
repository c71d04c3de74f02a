using BackOffice.Klarna;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// How calls to a provider behave: how long one may take, and whether a call carries an idempotency key (then one of
/// unknown outcome may be sent again with it once an inquiry shows the first is final).
/// </summary>
public sealed record CallTraits(TimeSpan Timeout, bool Idempotent);

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

    /// <summary>A capture of everything that remains (no amount, no lines), an amount, or lines; <paramref name="final"/> releases the rest with it.</summary>
    MoneyAction Capture(long? amount, IReadOnlyList<ArticleQuantity>? lines, bool final, string reason);

    MoneyAction Cancel(string reason);

    MoneyAction Refund(RefundRequest request);

    MoneyAction EditLines(IReadOnlyList<ArticleQuantity> quantities, string reason);

    MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason);

    MoneyAction ResendInvoice(string invoiceNumber, bool byMail);

    Task<IProviderConnection> ConnectAsync(Transaction transaction);

    Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer);
}

/// <summary>The port of the transaction's provider.</summary>
public sealed class PaymentPorts(IEnumerable<IPaymentPort> ports)
{
    public IPaymentPort For(PaymentProvider provider) => ports.Single(p => p.Provider == provider);
}
