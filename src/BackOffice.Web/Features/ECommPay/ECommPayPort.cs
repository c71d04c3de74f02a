using BackOffice.ECommPay;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// Klarna (Sofort) via ECommPay: a sale, so only refunds. Each carries our operation's id as its
/// <c>merchant_refund_id</c> (the same on every send), and ECommPay decides it later: accepted is pending until the
/// callback, or a status answer, says refunded or declined.
/// </summary>
public sealed class ECommPayPort(ECommPayConnections connections, ECommPayReconciler reconciler, IOptions<ECommPayOptions> options) : IPaymentPort
{
    public PaymentProvider Provider => ECommPayModule.Provider;

    public CallTraits Traits => new(options.Value.Timeout, Idempotent: true);

    public MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason) => new SofortRefused(OperationKind.Capture);

    public MoneyAction Cancel(string reason) => new SofortRefused(OperationKind.Cancel);

    public MoneyAction Refund(RefundRequest request) => new SofortRefund(request.InvoiceNumber, request.Amount, request.Lines, options.Value.RefundIp, request.Reason);

    public async Task<IProviderConnection> ConnectAsync(Transaction transaction) => new Connection(connections.Client(), (await connections.ForAsync(transaction)).Project);

    public async Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channel channel, Transaction transaction, CancellationToken cancellationToken)
    {
        var project = await db.ECommPayServices.Where(s => s.ChannelId == channel.Id).Select(s => s.ProjectId).SingleOrDefaultAsync(cancellationToken);
        return project?.ToString(System.Globalization.CultureInfo.InvariantCulture) != transaction.Merchant
            ? new Message("{0} of '{1}' now uses project {2}; this payment was made in project {3}, whose key the refunds need.", transaction.Service, channel.Code, project ?? 0, transaction.Merchant)
            : null;
    }

    public Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer) => reconciler.ReconcileAsync(actor, transactionId);

    private sealed class Connection(ECommPayClient client, ECommPayProject project) : IProviderConnection
    {
        public Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started) => ((SofortRefund)action).CallAsync(client, project, started);
    }
}

/// <summary>What a sale cannot do after the purchase (capture, cancel): refused before anything is sent.</summary>
public sealed class SofortRefused(OperationKind kind) : MoneyAction(kind)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) =>
        throw new BusinessRuleException("A Sofort payment is a sale: it was paid in full at once and can only be refunded.");
}

/// <summary>A refund of a Sofort payment, whole or by amount or lines; ECommPay takes an amount only.</summary>
public sealed class SofortRefund(string invoiceNumber, long? amount, IReadOnlyList<LineQuantity>? lines, string requestIp, string reason = "") : MoneyAction(OperationKind.Refund, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.Refund(transaction, invoice, invoiceNumber, amount, lines);

    /// <summary>Our refund id at ECommPay: the operation's, so that a refund sent again is recognised (3230) and a lost one is found.</summary>
    public static string RefundIdOf(Operation operation) => operation.Id.ToString("N");

    public static SofortRefund SendingAgain(Operation operation, string requestIp) => new(operation.InvoiceNumber!, null, null, requestIp);

    /// <summary>Sends the refund: accepted is pending (the callback decides), refused or not reached is nothing, anything else unknown.</summary>
    public async Task<ActionAnswer> CallAsync(ECommPayClient client, ECommPayProject project, StartedOperation started)
    {
        var (operation, transaction) = (started.Operation, started.Transaction);
        ECommPayRefundAccepted accepted;
        try
        {
            // Always with its amount, also a whole refund: what ECommPay counts as left may hold refunds still being decided.
            accepted = await client.RefundAsync(project, new BackOffice.ECommPay.ECommPayRefund(transaction.Reference, RefundIdOf(operation),
                $"Refund of order {transaction.OrderNumber}".Replace(';', ','), requestIp, operation.Amount, transaction.Currency));
        }
        catch (ECommPayRefusedException e) when (e.Outcome != ECommPayOutcome.Duplicate)
        {
            throw new ProviderRefusedException(new Message("ECommPay refused the refund: {0} ({1}); nothing happened.", e.Text, e.Code),
                int.TryParse(e.Code, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0, $"{e.Code} {e.Text}");
        }
        catch (ECommPayUnavailableException e)
        {
            throw new ProviderUnreachableException(new Message("ECommPay could not be reached; nothing happened: {0}", e.Message));
        }
        throw new ProviderPendingException(new Message("ECommPay took the refund (request {0}); it counts as refunded once ECommPay's callback or a status answer says so.", accepted.RequestId));
    }
}
