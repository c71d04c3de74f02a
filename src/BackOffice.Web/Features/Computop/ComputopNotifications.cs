using BackOffice.Computop;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>How a notification was taken, as the HTTP status Paygate gets: 2xx ends its repeats, anything else asks for another.</summary>
public enum NotificationResult
{
    /// <summary>Taken (or taken before): 200.</summary>
    Taken,

    /// <summary>No such channel, or it has no Computop service: 404.</summary>
    UnknownChannel,

    /// <summary>Not Paygate's, or not this merchant's, or not an order the books can take: 400, audited, nothing changed.</summary>
    Refused,

    /// <summary>Paygate could not be asked to confirm the amount: 503, so that it sends the notification again.</summary>
    TryAgain,
}

/// <summary>
/// Paygate's URLNotify for a channel (<c>POST /notify/computop/{channel}</c>): proven by decryption, merchant and MAC,
/// then taken once per step (PayID, XID, Status, Code). A successful authorization made in the shop becomes an
/// Authorized transaction, with the amount Paygate holds confirmed by an inquiry; a notification never moves a known
/// payment, and a failed one only leaves its trace in the audit log.
/// </summary>
public sealed partial class ComputopNotifications(
    IDbContextFactory<BackOfficeDbContext> databases,
    ComputopConnections connections,
    OperationJournal journal,
    RefusedNotifications refused,
    TimeProvider time,
    ILogger<ComputopNotifications> logger)
{
    public const string Actor = "Computop notification";

    /// <summary>How long Klarna Payments keeps an authorization open for capture.</summary>
    public static readonly TimeSpan AuthorizationLifetime = TimeSpan.FromDays(28);

    /// <param name="source">The sender's address, for the audit of refusals.</param>
    public async Task<NotificationResult> TakeAsync(string channelCode, string source, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken = default)
    {
        ComputopService? service;
        int channelId;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => c.Id).SingleOrDefaultAsync(cancellationToken);
            service = await db.ComputopServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channelId, cancellationToken);
        }
        if (service?.MerchantId is null)
            return NotificationResult.UnknownChannel;

        PaygateAnswer notification;
        try
        {
            notification = PaygateMessage.ReadNotification(connections.Credentials(service), form);
        }
        catch (Exception e) when (e is PaygateMessageException or BusinessRuleException)
        {
            return await RefuseAsync(channelCode, source, new Message("A notification was refused: {0}", e.Message));
        }
        if (notification is not { PayId: { } payId, XId: { } xId, Status: { } status, Code: { } code })
            return await RefuseAsync(channelCode, source, new Message("A notification without PayID, XID, Status or Code was refused."));
        var transId = notification.TransId ?? "";

        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ComputopNotifications.AnyAsync(n => n.PayId == payId && n.XId == xId && n.Status == status && n.Code == code, cancellationToken))
                return NotificationResult.Taken;
            if (await db.Transactions.AnyAsync(t => t.Service == ComputopModule.KlarnaPayments && t.Reference == payId, cancellationToken))
                return await RecordAsync(channelCode, source, new ComputopNotification(channelId, payId, xId, transId, status, code, time.GetUtcNow()), null, null);
        }

        var taken = new ComputopNotification(channelId, payId, xId, transId, status, code, time.GetUtcNow());
        if (notification.Outcome != PaygateOutcome.Succeeded)
            return await RecordAsync(channelCode, source, taken, null, Audit(channelCode, payId, new Message("Paygate reports the payment failed ({0} {1}); no transaction was made.", code, notification.Description ?? ""), succeeded: false));

        var (order, error) = ComputopOrderData.Decode(notification.Fields.GetValueOrDefault("UserData"));
        if (order is null)
            return await RefuseAsync(channelCode, source, new Message("Payment {0}: {1}", payId, error!));
        var orderNumber = notification.Fields.GetValueOrDefault("RefNr") is { Length: > 0 } refNr ? refNr : transId;

        PaygateAnswer inquiry;
        try
        {
            var client = connections.ClientFor(service);
            inquiry = await client.InquireAsync(connections.Credentials(service), payId, transId, cancellationToken);
        }
        catch (ComputopUnavailableException e)
        {
            LogNotConfirmed(channelCode, payId, e.Message);
            return NotificationResult.TryAgain;
        }
        if (inquiry.AmountAuthorized != order.Amount || inquiry.AmountCaptured is not (null or 0))
            return await RefuseAsync(channelCode, source, new Message("Paygate holds {0} for payment {1}, but the order adds up to {2}; no transaction was made.",
                new Amount(inquiry.AmountAuthorized ?? 0, order.Currency), payId, new Amount(order.Amount, order.Currency)));

        Transaction transaction;
        try
        {
            var address = order.TransactionAddress();
            var now = time.GetUtcNow();
            transaction = Transaction.AuthorizedInShop(channelId, ComputopModule.KlarnaPayments, service.UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test, service.MerchantId, payId, transId, orderNumber, order.Currency, order.Country,
                order.Amount, order.TransactionLines(), new TransactionCustomer($"{address.FirstName} {address.LastName}".Trim(), address.Email, ""),
                address, address, now, now + AuthorizationLifetime);
        }
        catch (BusinessRuleException e)
        {
            return await RefuseAsync(channelCode, source, new Message("Payment {0}: {1}", payId, e.Text));
        }
        return await RecordAsync(channelCode, source, taken, transaction, Audit(channelCode, payId,
            new Message("Order {0} authorized in the shop: {1} (PayID {2}).", orderNumber, new Amount(order.Amount, order.Currency), payId), succeeded: true));
    }

    private async Task<NotificationResult> RecordAsync(string channelCode, string source, ComputopNotification notification, Transaction? transaction, AuditEntry? audit)
    {
        void Beside(BackOfficeDbContext db)
        {
            db.ComputopNotifications.Add(notification);
            if (audit is not null)
                db.AuditEntries.Add(audit);
        }
        try
        {
            if (transaction is not null)
                await journal.OpenAsync(transaction, Beside);
            else
            {
                await using var db = await databases.CreateDbContextAsync();
                Beside(db);
                await db.SaveChangesAsync();
            }
        }
        catch (DbUpdateException)
        {
            await using var again = await databases.CreateDbContextAsync();
            // A copy of it that arrived at the same time was taken; otherwise the order number is the channel's already.
            return await again.ComputopNotifications.AnyAsync(n => n.PayId == notification.PayId && n.XId == notification.XId
                    && n.Status == notification.Status && n.Code == notification.Code)
                ? NotificationResult.Taken
                : await RefuseAsync(channelCode, source, new Message("Payment {0}: the channel has an order {1} already.", notification.PayId, transaction?.OrderNumber ?? notification.TransId));
        }
        return NotificationResult.Taken;
    }

    private async Task<NotificationResult> RefuseAsync(string channelCode, string source, Message why)
    {
        await refused.RecordAsync(Actor, source, channelCode, why);
        LogRefused(channelCode, why.ToString());
        return NotificationResult.Refused;
    }

    private AuditEntry Audit(string channelCode, string payId, Message details, bool succeeded) =>
        new(time.GetUtcNow(), Actor, "Transactions", "Notification", $"{channelCode} / {ComputopModule.KlarnaPayments.Name} ({payId})", details, succeeded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Computop notification for {Channel} refused: {Reason}")]
    private partial void LogRefused(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Computop notification for {Channel}, payment {PayId}, not confirmed yet: {Reason}")]
    private partial void LogNotConfirmed(string channel, string payId, string reason);
}
