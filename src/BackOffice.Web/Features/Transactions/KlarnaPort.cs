using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Transactions;

/// <summary>Klarna's legacy XML-RPC API: reservations, split-off reservations, invoices; no idempotency key.</summary>
public sealed class KlarnaPort(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    IOptions<KlarnaGatewayOptions> options,
    TransactionCredentials credentialsOf,
    OperationJournal journal,
    OperationReconciler reconciler) : IPaymentPort
{
    public PaymentProvider Provider => PaymentProvider.KlarnaLegacy;

    public CallTraits Traits => new(options.Value.Timeout, Idempotent: false);

    public MoneyAction Capture(long? amount, IReadOnlyList<ArticleQuantity>? lines, bool final, string reason)
    {
        if (final)
            throw new BusinessRuleException("Klarna's legacy API captures and releases in two steps: capture, then release what remains.");
        return lines is { Count: > 0 } ? new CaptureLines(lines, reason) : amount is { } value ? new CaptureAmount(value, reason) : new CaptureRemaining(reason);
    }

    public MoneyAction Cancel(string reason) => new Cancel(reason);

    public MoneyAction Refund(RefundRequest request) => new Refund(request.InvoiceNumber, request.Amount, request.Lines, request.VatPercent, request.Reason);

    public MoneyAction EditLines(IReadOnlyList<ArticleQuantity> quantities, string reason) => new EditLines(quantities, reason);

    public MoneyAction ChangeOrderNumber(string orderNumber, string? latestInvoiceNumber, string reason) => new ChangeOrderNumber(orderNumber, latestInvoiceNumber, reason);

    public MoneyAction ResendInvoice(string invoiceNumber, bool byMail) => new ResendInvoice(invoiceNumber, byMail);

    public async Task<IProviderConnection> ConnectAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var (credentials, flags) = await credentialsOf.ForActionAsync(db, transaction);
        return new Connection(gateway, credentials, flags, journal);
    }

    public Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer) => reconciler.ReconcileAsync(actor, transactionId, answer);

    private sealed class Connection(IKlarnaGateway gateway, KlarnaCredentials credentials, ReservationFlags flags, OperationJournal journal) : IProviderConnection
    {
        public Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started) =>
            ((KlarnaAction)action).CallAsync(new KlarnaCall(gateway, credentials, flags, started.Transaction, started.Invoice, started.Operation,
                split => journal.RecordSplitAsync(started.Operation.Id, split)));
    }
}
