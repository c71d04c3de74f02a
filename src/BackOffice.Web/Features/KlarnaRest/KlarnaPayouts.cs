using System.Security.Claims;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>A capture in the books that no imported payout carries yet, older than the newest payout of its currency.</summary>
public sealed record UnpaidCapture(Guid TransactionId, string OrderNumber, string CaptureId, long Amount, string Currency, DateTimeOffset CapturedAt);

/// <summary>
/// Klarna's payouts of a channel's merchant (Settlements API): imported by payment reference (once each), every sale and
/// return matched to the books by its capture and refund id, and what does not match flagged — a payout line of an
/// order the books do not have, an amount that differs, a capture Klarna never paid out.
/// </summary>
public sealed class KlarnaPayouts(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    KlarnaRestConnections connections,
    TimeProvider time)
{
    public const string SystemUser = "Klarna payout import";

    /// <summary>Imports the payouts of the last <paramref name="days"/> days not yet imported; answers how many were new.</summary>
    public async Task<int> ImportAsync(ClaimsPrincipal user, string channelCode, int days = 31, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await ImportAsync(user.Name(), channelCode, days, cancellationToken);
    }

    public async Task<int> ImportAsync(string actor, string channelCode, int days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 366)
            throw new BusinessRuleException("Payouts are imported for 1 to 366 days back.");
        KlarnaRestService service;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            service = await (from c in db.Channels where c.Code == channelCode join s in db.KlarnaRestServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync(cancellationToken)
                ?? throw new BusinessRuleException("Klarna Payments (direct) is not set up for this channel.");
        }
        var credentials = connections.Credentials(service);
        var client = connections.Client();
        var now = time.GetUtcNow();
        var imported = 0;
        try
        {
            for (var offset = 0; ; offset += 100)
            {
                // The end reaches past now: Klarna takes whole seconds, and a payout of this second must not fall out.
                var page = await client.PayoutsAsync(credentials, now.AddDays(-days), now.AddDays(1), null, 100, offset, cancellationToken);
                foreach (var payout in page.Payouts)
                {
                    if (await ImportOneAsync(client, credentials, service.ChannelId, payout, actor, channelCode, cancellationToken))
                        imported++;
                }
                if (page.Payouts.Count < 100)
                    break;
            }
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna's payouts could not be read: {0}", e.Message);
        }
        return imported;
    }

    /// <summary>The codes of the channels that have a Klarna Payments (direct) service, whose payouts can be imported.</summary>
    public async Task<IReadOnlyList<string>> ChannelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await (from s in db.KlarnaRestServices join c in db.Channels on s.ChannelId equals c.Id orderby c.Code select c.Code).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<KlarnaPayout>> ListAsync(string channelCode, string? currency = null, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await (from p in db.KlarnaPayouts.Include(p => p.Lines)
                      join c in db.Channels on p.ChannelId equals c.Id
                      where c.Code == channelCode && (currency == null || p.Currency == currency)
                      orderby p.PayoutDate descending
                      select p).AsNoTracking().AsSplitQuery().ToListAsync(cancellationToken);
    }

    /// <summary>Captures of the channel's Klarna Payments (direct) orders made before the newest payout of their currency that no payout carries.</summary>
    public async Task<IReadOnlyList<UnpaidCapture>> UnpaidCapturesAsync(string channelCode, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => c.Id).SingleAsync(cancellationToken);
        var newest = await db.KlarnaPayouts.Where(p => p.ChannelId == channelId).GroupBy(p => p.Currency)
            .Select(g => new { Currency = g.Key, Date = g.Max(p => p.PayoutDate) }).ToListAsync(cancellationToken);
        var unpaid = new List<UnpaidCapture>();
        foreach (var (currency, date) in newest.Select(n => (n.Currency, n.Date)))
        {
            unpaid.AddRange(await (from i in db.Invoices
                                   join t in db.Transactions on i.TransactionId equals t.Id
                                   where t.ChannelId == channelId && t.Service == KlarnaRestModule.KlarnaPaymentsDirect && i.Currency == currency && i.CapturedAt < date
                                         && !db.Set<KlarnaPayoutLine>().Any(l => l.CaptureId == i.InvoiceNumber && l.Type == "SALE")
                                   orderby i.CapturedAt
                                   select new UnpaidCapture(t.Id, t.OrderNumber, i.InvoiceNumber, i.Amount, i.Currency, i.CapturedAt)).ToListAsync(cancellationToken));
        }
        return unpaid;
    }

    /// <summary>The payouts of a channel with their lines, one row per line, for the spreadsheet of <paramref name="format"/>.</summary>
    public async Task WriteCsvAsync(string channelCode, Stream output, CsvFormat format, CancellationToken cancellationToken = default)
    {
        var payouts = await ListAsync(channelCode, null, cancellationToken);
        await using var csv = await format.StartAsync(output, cancellationToken);
        await csv.WriteRecordAsync(["PaymentReference", "PayoutDate", "Currency", "SettlementAmount", "Type", "Amount", "OrderId", "CaptureId", "RefundId", "Match"], cancellationToken);
        foreach (var payout in payouts)
        {
            foreach (var line in payout.Lines)
                await csv.WriteRecordAsync([payout.PaymentReference, CsvFormat.Time(payout.PayoutDate), payout.Currency, format.Amount(payout.SettlementAmount, payout.Currency),
                    line.Type, format.Amount(line.Amount, payout.Currency), line.OrderId, line.CaptureId ?? "", line.RefundId ?? "", line.Match.ToString()], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    private async Task<bool> ImportOneAsync(KlarnaRestClient client, KlarnaRestCredentials credentials, int channelId, BackOffice.KlarnaRest.KlarnaPayout payout, string actor,
        string channelCode, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.KlarnaPayouts.AnyAsync(p => p.ChannelId == channelId && p.PaymentReference == payout.PaymentReference, cancellationToken))
            return false;
        var transactions = new List<KlarnaSettlementTransaction>();
        for (var offset = 0; ; offset += 500)
        {
            var page = await client.TransactionsAsync(credentials, payout.PaymentReference, 500, offset, cancellationToken);
            transactions.AddRange(page.Transactions);
            if (page.Transactions.Count < 500)
                break;
        }
        var lines = await MatchAsync(db, transactions, cancellationToken);
        var totals = payout.Totals;
        db.KlarnaPayouts.Add(new KlarnaPayout(channelId, payout.PaymentReference, payout.PayoutDate, payout.CurrencyCode.ToUpperInvariant(), totals.SaleAmount, totals.ReturnAmount,
            totals.FeeAmount, totals.HoldbackAmount, totals.SettlementAmount, time.GetUtcNow(), lines));
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Payouts", "Payout imported", $"{channelCode} / {payout.PaymentReference}",
            new Message("{0} lines, {1} not matching the books", lines.Count, lines.Count(l => l.Match is PayoutMatch.AmountDiffers or PayoutMatch.NotInBooks))));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another import stored it meanwhile.
            return false;
        }
        return true;
    }

    /// <summary>
    /// A sale by its capture id, a return by its refund id; everything else is Klarna's own. The books are read once per
    /// payout (its orders, their captures and refunds), not once per line. Orders of every channel count: a payout is
    /// the merchant's, and channels may share one Klarna merchant.
    /// </summary>
    private static async Task<List<KlarnaPayoutLine>> MatchAsync(BackOfficeDbContext db, IReadOnlyList<KlarnaSettlementTransaction> lines, CancellationToken cancellationToken)
    {
        var orderIds = lines.Select(l => l.OrderId).Distinct().ToList();
        var transactions = await db.Transactions.Where(t => t.Service == KlarnaRestModule.KlarnaPaymentsDirect && orderIds.Contains(t.Reference))
            .Select(t => new { t.Id, t.Reference }).ToDictionaryAsync(t => t.Reference, t => t.Id, cancellationToken);
        var ids = transactions.Values.ToList();
        var captures = await db.Invoices.Where(i => ids.Contains(i.TransactionId)).Select(i => new { i.TransactionId, i.InvoiceNumber, i.Amount }).ToListAsync(cancellationToken);
        var refunds = await db.Operations.Where(o => ids.Contains(o.TransactionId) && o.Kind == OperationKind.Refund && o.State == OperationState.Succeeded && o.ProviderReference != null)
            .Select(o => new { o.TransactionId, o.ProviderReference, o.Amount }).ToListAsync(cancellationToken);
        return [.. lines.Select(line =>
        {
            Guid? transactionId = transactions.TryGetValue(line.OrderId, out var id) ? id : null;
            long? booked = line.Type switch
            {
                "SALE" => captures.FirstOrDefault(c => c.TransactionId == transactionId && c.InvoiceNumber == line.CaptureId)?.Amount,
                "RETURN" => -refunds.FirstOrDefault(r => r.TransactionId == transactionId && r.ProviderReference == line.RefundId)?.Amount,
                _ => null,
            };
            var match = line.Type is not ("SALE" or "RETURN") ? PayoutMatch.KlarnasOwn
                : booked is null ? PayoutMatch.NotInBooks
                : booked == line.Amount ? PayoutMatch.Matched : PayoutMatch.AmountDiffers;
            return new KlarnaPayoutLine(line.Type, line.Amount, line.OrderId, line.CaptureId, line.RefundId, match, transactionId);
        })];
    }
}
