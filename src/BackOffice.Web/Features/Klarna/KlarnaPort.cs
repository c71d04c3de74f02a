using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Klarna's legacy XML-RPC API: reservations, split-off reservations, invoices; no idempotency key.</summary>
public sealed class KlarnaPort(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    IOptions<KlarnaGatewayOptions> options,
    IOptions<KlarnaOptions> klarna,
    TransactionCredentials credentialsOf,
    OperationJournal journal,
    OperationReconciler reconciler) : IPaymentPort
{
    public PaymentProvider Provider => KlarnaModule.Provider;

    public CallTraits Traits => new(options.Value.Timeout, Idempotent: false);

    public MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason)
    {
        if (final)
            throw new BusinessRuleException("Klarna's legacy API captures and releases in two steps: capture, then release what remains.");
        return lines is { Count: > 0 } ? new CaptureLines(lines, reason) : amount is { } value ? new CaptureAmount(value, reason) : new CaptureRemaining(reason);
    }

    public MoneyAction Cancel(string reason) => new Cancel(reason);

    public MoneyAction Refund(RefundRequest request) => new Refund(request.InvoiceNumber, request.Amount, request.Lines, request.VatPercent, request.Reason);

    public MoneyAction EditLines(IReadOnlyList<LineQuantity> quantities, string reason) => new EditLines(quantities, reason);

    public MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason) => new ChangeOrderNumber(orderNumber, latestInvoiceNumber, reason);

    public MoneyAction ResendInvoice(string invoiceNumber, bool byMail) => new ResendInvoice(invoiceNumber, byMail);

    /// <summary>The legacy service says how its invoices are sent.</summary>
    public async Task<InvoiceDelivery> InvoiceDeliveryAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        return (await db.PaymentServiceAsync(transaction.ChannelId, transaction.Service)).InvoiceShipment == InvoiceShipment.Mail ? InvoiceDelivery.Mail : InvoiceDelivery.EMail;
    }

    public MoneyAction ExtendExpiry(string holdReference, string reason) => new ExtendExpiry(holdReference, reason);

    public MoneyAction ChangeAddress(TransactionAddress billing, TransactionAddress shipping, string reason) => new ChangeAddress(billing, shipping, reason);

    public MoneyAction ExtendDueDate(string invoiceNumber, int days, string reason) => new ExtendDueDate(invoiceNumber, days, reason);

    public MoneyAction DeclinePending(string reason) => new Cancel(reason, declinePending: true);

    public async Task<DueDateQuote> QuoteDueDateAsync(Transaction transaction, string invoiceNumber, int days)
    {
        KlarnaCredentials credentials;
        await using (var db = await databases.CreateDbContextAsync())
            credentials = await credentialsOf.ForAsync(db, transaction);
        try
        {
            var quote = await gateway.ExtendInvoiceDueDateAsync(credentials, invoiceNumber, days, calculateOnly: true);
            return new DueDateQuote(quote.Cost, quote.NewDueDate);
        }
        catch (KlarnaFaultException fault)
        {
            throw new BusinessRuleException(KlarnaFaultMessages.For(fault));
        }
        catch (KlarnaException e)
        {
            throw new BusinessRuleException("Klarna could not be asked, try again later: {0}", e.Message);
        }
    }

    public async Task<IProviderConnection> ConnectAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var (credentials, flags) = await credentialsOf.ForActionAsync(db, transaction);
        return new Connection(gateway, credentials, flags, journal);
    }

    public async Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channel channel, Transaction transaction, CancellationToken cancellationToken)
    {
        var service = await db.PaymentServiceAsync(channel.Id, transaction.Service, cancellationToken);
        var eid = service.MerchantId is { } merchantId ? KlarnaTerms.Merchant(merchantId) : null;
        return eid != transaction.Merchant || service.Environment != transaction.Environment
            ? new Message("{0} of '{1}' is now eid {2} ({3}); this transaction was made with eid {4} ({5}), which its actions keep using.",
                transaction.Service, channel.Code, eid ?? "none", service.Environment, transaction.Merchant, transaction.Environment)
            : null;
    }

    /// <summary>Klarna keeps a legacy invoice's PDF for 30 days.</summary>
    public string? InvoiceDocument(Transaction transaction, Invoice invoice, DateTimeOffset now) =>
        invoice.IsDownloadable(now) ? klarna.Value.InvoiceUrl(transaction.Environment, invoice.InvoiceNumber) : null;

    public Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer) => reconciler.ReconcileAsync(actor, transactionId, answer);

    private sealed class Connection(IKlarnaGateway gateway, KlarnaCredentials credentials, ReservationFlags flags, OperationJournal journal) : IProviderConnection
    {
        /// <summary>Klarna's faults are refusals and a failed connection is unreachable, in the journal's terms; anything else stays unknown.</summary>
        public async Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started)
        {
            try
            {
                return await ((KlarnaAction)action).CallAsync(new KlarnaCall(gateway, credentials, flags, started.Transaction, started.Invoice, started.Operation,
                    split => journal.RecordSplitAsync(started.Operation.Id, split)));
            }
            catch (KlarnaFaultException fault)
            {
                throw new ProviderRefusedException(KlarnaFaultMessages.For(fault), fault.RawCode, fault.FaultString);
            }
            catch (KlarnaUnavailableException unavailable)
            {
                throw new ProviderUnreachableException(new Message("Klarna could not be reached; nothing happened. ({0})", unavailable.Message));
            }
        }
    }
}
