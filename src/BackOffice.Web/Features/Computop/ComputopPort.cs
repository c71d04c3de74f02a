using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Computop;

/// <summary>Klarna Payments through Computop Paygate: one payment per order (its PayID), and a ReqId on every money call.</summary>
public sealed class ComputopPort(ComputopConnections connections, ComputopReconciler reconciler, IOptions<ComputopOptions> options) : IPaymentPort
{
    public PaymentProvider Provider => ComputopModule.Provider;

    public CallTraits Traits => new(options.Value.Timeout, Idempotent: true);

    public MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason) => new PaygateCapture(amount, lines, final, reason);

    public MoneyAction Cancel(string reason) => new PaygateReverse(reason);

    public MoneyAction Refund(RefundRequest request) => new PaygateCredit(request.InvoiceNumber, request.Amount, request.Lines, request.Reason);

    public MoneyAction EditLines(IReadOnlyList<LineQuantity> quantities, string reason) => new PaygateChangeOrder(quantities, reason);

    public MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason) => new PaygateChangeReference(orderNumber, reason);

    public MoneyAction ResendInvoice(string invoiceNumber, bool byMail) => new PaygateResendInvoice(invoiceNumber);

    public async Task<IProviderConnection> ConnectAsync(Transaction transaction)
    {
        var (client, credentials) = await connections.ForAsync(transaction);
        return new Connection(client, credentials);
    }

    /// <summary>The channel's MerchantID against the transaction's. (Klarna Payments' invoices reach the customer from Klarna itself: no document to download here.)</summary>
    public async Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channel channel, Transaction transaction, CancellationToken cancellationToken)
    {
        var merchantId = await db.ComputopServices.Where(s => s.ChannelId == channel.Id).Select(s => s.MerchantId).SingleOrDefaultAsync(cancellationToken);
        return merchantId != transaction.Merchant
            ? new Message("{0} of '{1}' is now MerchantID {2}; this transaction was made with MerchantID {3}, which its actions keep using.",
                transaction.Service, channel.Code, merchantId ?? "none", transaction.Merchant)
            : null;
    }

    public Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer) => reconciler.ReconcileAsync(actor, transactionId);

    private sealed class Connection(BackOffice.Computop.ComputopClient client, BackOffice.Computop.PaygateCredentials credentials) : IProviderConnection
    {
        public Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started) =>
            ((ComputopAction)action).CallAsync(new ComputopCall(client, credentials, started.Transaction, started.Invoice, started.Operation));
    }
}
