using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>Klarna Payments (direct): one Order Management order per transaction (its order id), an idempotency key on every change.</summary>
public sealed class KlarnaRestPort(KlarnaRestConnections connections, KlarnaRestReconciler reconciler, IOptions<KlarnaRestOptions> options) : IPaymentPort
{
    public PaymentProvider Provider => KlarnaRestModule.Provider;

    public CallTraits Traits => new(options.Value.Timeout, Idempotent: true);

    public MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason) => new KlarnaRestCapture(amount, lines, shipment, reason);

    public MoneyAction Cancel(string reason) => new KlarnaRestCancel(reason);

    public MoneyAction Refund(RefundRequest request) => new KlarnaRestRefund(request.InvoiceNumber, request.Amount, request.Lines, request.Reason);

    public MoneyAction EditLines(IReadOnlyList<LineQuantity> quantities, string reason) => new KlarnaRestUpdateAuthorization(quantities, reason);

    public MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason) => new KlarnaRestMerchantReferences(orderNumber, reason);

    public MoneyAction ResendInvoice(string invoiceNumber, bool byMail) => new KlarnaRestSendOut(invoiceNumber);

    public MoneyAction ExtendExpiry(string holdReference, string reason) => new KlarnaRestExtend(reason);

    public MoneyAction ChangeAddress(TransactionAddress billing, TransactionAddress shipping, string reason) => new KlarnaRestShippingAddress(billing, shipping, reason);

    public async Task<IProviderConnection> ConnectAsync(Transaction transaction) => new Connection(connections.Client(), await connections.ForAsync(transaction));

    public async Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channel channel, Transaction transaction, CancellationToken cancellationToken)
    {
        var username = await db.KlarnaRestServices.Where(s => s.ChannelId == channel.Id).Select(s => s.Username).SingleOrDefaultAsync(cancellationToken);
        return username != transaction.Merchant
            ? new Message("{0} of '{1}' now uses the API username {2}; this transaction was made with {3}, which its actions keep using.",
                transaction.Service, channel.Code, username ?? "none", transaction.Merchant)
            : null;
    }

    public Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer) => reconciler.ReconcileAsync(actor, transactionId);

    private sealed class Connection(BackOffice.KlarnaRest.KlarnaRestClient client, BackOffice.KlarnaRest.KlarnaRestCredentials credentials) : IProviderConnection
    {
        public Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started) =>
            ((KlarnaRestAction)action).CallAsync(new KlarnaRestCall(client, credentials, started.Transaction, started.Invoice, started.Operation));
    }
}
