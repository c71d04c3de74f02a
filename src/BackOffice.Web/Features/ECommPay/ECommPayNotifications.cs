using System.Globalization;
using System.Text.Json;
using BackOffice.ECommPay;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>What came of a callback; the endpoint answers it with its HTTP status.</summary>
public enum ECommPayCallbackResult
{
    Taken,
    UnknownChannel,
    Refused,
    TryLater,
}

/// <summary>
/// ECommPay's callbacks for a channel (PROTOCOL.md §4–6): believed only with the project's signature (compared in fixed
/// time) and the project's id; taken once per operation and status, so a repeat is answered 200 and changes nothing.
/// A paid sale opens the transaction, captured in full, from the order the shop started; a decided refund settles our
/// refund, found by the <c>merchant_refund_id</c> we sent. A pending status never overwrites a final one.
/// </summary>
public sealed class ECommPayNotifications(
    IDbContextFactory<BackOfficeDbContext> databases,
    ECommPayConnections connections,
    OperationJournal journal,
    TimeProvider time)
{
    public const string Actor = "ECommPay callback";
    private const string Prefix = "ECommPay's callback: ";

    public async Task<(ECommPayCallbackResult Result, Message? Why)> TakeAsync(string channelCode, byte[] body, CancellationToken cancellationToken)
    {
        ECommPayService? service;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            service = await (from c in db.Channels where c.Code == channelCode join s in db.ECommPayServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        }
        if (service is null)
            return (ECommPayCallbackResult.UnknownChannel, null);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return (ECommPayCallbackResult.Refused, new Message("The callback is not JSON."));
        }
        ECommPayProject project;
        try
        {
            project = connections.Project(service);
        }
        catch (BusinessRuleException e)
        {
            return (ECommPayCallbackResult.TryLater, e.Text);
        }
        if (!ECommPaySignature.Verify(root, project.SecretKey))
            return (ECommPayCallbackResult.Refused, new Message("The callback's signature is not project {0}'s.", project.ProjectId));
        var payment = ECommPayClient.ReadPayment(root);
        if (payment.ProjectId != project.ProjectId || payment.Id.Length == 0 || payment.Operations is not [.., var operation])
            return (ECommPayCallbackResult.Refused, new Message("The callback names another project, no payment or no operation."));

        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            if (await db.ECommPayCallbacks.AnyAsync(r => r.ChannelId == service.ChannelId && r.OperationId == operation.Id && r.Status == operation.Status, cancellationToken))
                return (ECommPayCallbackResult.Taken, null);
        }
        try
        {
            switch (operation.Type)
            {
                case "sale" when operation.Status == "success":
                    await OpenSaleAsync(service, payment, operation);
                    break;
                case "sale" when operation.Status == "decline":
                    await AuditAsync(channelCode, payment.Id, new Message("ECommPay declined the payment: {0} ({1}).", operation.Message ?? "", operation.Code ?? ""));
                    break;
                case "refund" or "reversal" when ECommPayCodes.ClassifyStatus(operation.Status) is ECommPayOutcome.Success or ECommPayOutcome.Declined:
                    await SettleRefundAsync(channelCode, service, payment, operation);
                    break;
            }
        }
        catch (BusinessRuleException e)
        {
            // Our side is busy (an action holds the transaction): ECommPay sends it again later.
            return (ECommPayCallbackResult.TryLater, e.Text);
        }
        await using (var db = await databases.CreateDbContextAsync(CancellationToken.None))
        {
            db.ECommPayCallbacks.Add(new ECommPayCallbackRecord(service.ChannelId, payment.Id, operation.Id, operation.Type, operation.Status, time.GetUtcNow()));
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                // The same callback, taken meanwhile by a repeat: what it says was applied once.
            }
        }
        return (ECommPayCallbackResult.Taken, null);
    }

    /// <summary>A paid sale: the transaction, captured in full with the sale as its capture record, from the shop's order (or from the callback alone for a payment the shop did not start here).</summary>
    private async Task OpenSaleAsync(ECommPayService service, ECommPayPayment payment, ECommPayOperation sale)
    {
        ECommPayPaymentIntent? intent;
        await using (var db = await databases.CreateDbContextAsync())
        {
            if (await db.Transactions.AnyAsync(t => t.ChannelId == service.ChannelId && t.Service == ECommPayModule.KlarnaSofort && t.Reference == payment.Id))
                return;
            intent = await db.ECommPayPaymentIntents.AsNoTracking().SingleOrDefaultAsync(i => i.ChannelId == service.ChannelId && i.PaymentId == payment.Id);
        }
        var sum = payment.Sum ?? sale.SumInitial ?? throw new BusinessRuleException("The callback of payment {0} carries no amount.", payment.Id);
        // The books hold what ECommPay took: a basket that does not add up to it becomes one line of ECommPay's amount.
        IReadOnlyList<TransactionLine> lines = intent is not null && intent.Amount == sum.Amount && intent.Currency == sum.Currency
            ? intent.Lines
            : [new TransactionLine("SOFORT", $"Sofort payment {payment.Id}", 1, sum.Amount, 0, LineFlags.IncludesVat)];
        var address = intent?.Address ?? new TransactionAddress("", "", "", "", "", "", "", "", "", "");
        var (transaction, capture) = Transaction.PaidInShop(service.ChannelId, ECommPayModule.KlarnaSofort, service.Environment,
            (service.ProjectId ?? 0).ToString(CultureInfo.InvariantCulture), payment.Id, sale.Id.ToString(CultureInfo.InvariantCulture), intent?.OrderNumber ?? payment.Id,
            sum.Currency, intent?.Country ?? "", lines, new TransactionCustomer($"{address.FirstName} {address.LastName}".Trim(), address.Email, ""), address, address,
            sale.Date ?? time.GetUtcNow());
        try
        {
            await journal.OpenAsync(transaction, db => db.Invoices.Add(capture));
        }
        catch (DbUpdateException)
        {
            // A repeat of this callback opened it first.
        }
    }

    private async Task SettleRefundAsync(string channelCode, ECommPayService service, ECommPayPayment payment, ECommPayOperation refund)
    {
        Operation? ours = null;
        await using (var db = await databases.CreateDbContextAsync())
        {
            if (refund.MerchantRefundId is { } id && Guid.TryParseExact(id, "N", out var operationId))
            {
                ours = await (from o in db.Operations
                              join t in db.Transactions on o.TransactionId equals t.Id
                              where o.Id == operationId && t.ChannelId == service.ChannelId && t.Reference == payment.Id
                              select o).AsNoTracking().SingleOrDefaultAsync();
            }
        }
        if (ours is null)
        {
            await BookForeignRefundAsync(channelCode, service, payment, refund);
            return;
        }
        if (ours.IsSettled)
            return;
        if (ECommPayCodes.ClassifyStatus(refund.Status) == ECommPayOutcome.Success)
            await journal.SettleAsync(ours.Id, Actor, new ActionAnswer(ours.InvoiceNumber, ProviderReference: refund.RequestId), Prefix);
        else
            await journal.FailReconciledAsync(ours.Id, Actor, new Message("ECommPay declined the refund: {0} ({1}).", refund.Message ?? "", refund.Code ?? ""));
    }

    /// <summary>
    /// A refund made outside the back office (in ECommPay's dashboard): a successful one is booked as ECommPay's own
    /// refund of the sale, so the books keep equal to ECommPay's; a declined one changed nothing and is only audited.
    /// </summary>
    private async Task BookForeignRefundAsync(string channelCode, ECommPayService service, ECommPayPayment payment, ECommPayOperation refund)
    {
        var amount = new Amount(refund.SumInitial?.Amount ?? 0, refund.SumInitial?.Currency ?? "");
        (Guid Id, string Invoice)? sale;
        await using (var db = await databases.CreateDbContextAsync())
        {
            sale = await (from t in db.Transactions
                          where t.ChannelId == service.ChannelId && t.Service == ECommPayModule.KlarnaSofort && t.Reference == payment.Id
                          from i in db.Invoices.Where(i => i.TransactionId == t.Id).OrderBy(i => i.CapturedAt).Take(1)
                          select new { t.Id, i.InvoiceNumber }).AsNoTracking().ToListAsync() is [var found] ? (found.Id, found.InvoiceNumber) : null;
        }
        if (ECommPayCodes.ClassifyStatus(refund.Status) != ECommPayOutcome.Success || sale is null || refund.RequestId is not { Length: > 0 } requestId || amount.MinorUnits <= 0)
        {
            await AuditAsync(channelCode, payment.Id, new Message("ECommPay reports a refund of {0} the back office did not ask for (request {1}, {2}); nothing was booked.", amount, refund.RequestId ?? "", refund.Status));
            return;
        }
        try
        {
            await journal.RecordProviderActionAsync(sale.Value.Id, OperationKind.Refund, sale.Value.Invoice, amount.MinorUnits, Actor, requestId);
        }
        catch (BusinessRuleException e) when (e is not TransactionBusyException)
        {
            await AuditAsync(channelCode, payment.Id, new Message("ECommPay reports a refund of {0} made outside the back office (request {1}), which the books cannot take: {2}", amount, requestId, e.Text));
        }
    }

    private async Task AuditAsync(string channelCode, string paymentId, Message what)
    {
        await using var db = await databases.CreateDbContextAsync();
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), Actor, "Payments", "Callback", $"{channelCode} / {paymentId}", what, false));
        await db.SaveChangesAsync();
    }
}
