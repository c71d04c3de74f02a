using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Overview;

/// <summary>One currency's money: what is authorized and still open, what was captured today, in 7 and in 30 days (and on each of those days), what was refunded in 30 days.</summary>
public sealed record CurrencyFigures(string Currency, long OpenAuthorized, long CapturedToday, long Captured7Days, long Captured30Days, long Refunded30Days, IReadOnlyList<long> CapturedPerDay);

/// <summary>What someone should look at.</summary>
public sealed record Attention(int UnknownOutcomes, int PendingOverADay, int ExpiringSoon, IReadOnlyList<(string Channel, ServiceKind Service)> FailedInitializations, bool LastJobRunFailed,
    IReadOnlyList<(string Channel, Guid Id, string Url)> DisabledWebhooks)
{
    public bool Any => UnknownOutcomes + PendingOverADay + ExpiringSoon + FailedInitializations.Count + DisabledWebhooks.Count > 0 || LastJobRunFailed;
}

/// <summary>The home page's figures; days are the display zone's, the last of them today.</summary>
/// <summary>How many orders carry a mark (<see cref="ITransactionMark"/>), such as those settled by virtual card.</summary>
public sealed record MarkFigure(string Key, string Name, int Count);

public sealed record OverviewFigures(IReadOnlyList<DateOnly> Days, IReadOnlyList<CurrencyFigures> Currencies, Attention Attention, IReadOnlyList<MarkFigure> Marks,
    BackOffice.Web.Features.Subscriptions.SubscriptionFigures Subscriptions);

public sealed class OverviewQuery(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time, [FromKeyedServices(DisplayTime.BackOfficeZone)] DisplayTime display,
    ChannelService channels, IEnumerable<ITransactionMark> marks, BackOffice.Web.Features.Subscriptions.SubscriptionQueries subscriptions)
{
    public const int Days = 30;

    public async Task<OverviewFigures> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, display.Zone).DateTime);
        var days = Enumerable.Range(0, Days).Select(i => today.AddDays(i - Days + 1)).ToList();
        var since = StartOf(days[0]);

        var open = await db.Transactions.Where(t => t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured)
            .GroupBy(t => t.Currency).Select(g => new { Currency = g.Key, Amount = g.Sum(t => t.ReservedAmount - t.CapturedAmount) })
            .ToDictionaryAsync(g => g.Currency, g => g.Amount, cancellationToken);
        var captures = await db.Invoices.Where(i => i.CapturedAt >= since).Select(i => new { i.Currency, i.Amount, i.CapturedAt }).ToListAsync(cancellationToken);
        var refunds = await db.Operations.Where(o => o.Kind == OperationKind.Refund && o.State == OperationState.Succeeded && o.CompletedAt >= since)
            .Join(db.Transactions, o => o.TransactionId, t => t.Id, (o, t) => new { t.Currency, Amount = o.Amount ?? 0 })
            .GroupBy(r => r.Currency).Select(g => new { Currency = g.Key, Amount = g.Sum(r => r.Amount) })
            .ToDictionaryAsync(g => g.Currency, g => g.Amount, cancellationToken);

        var capturedByDay = captures.ToLookup(c => (c.Currency, Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.CapturedAt, display.Zone).DateTime)), c => c.Amount);
        var currencies = open.Keys.Concat(captures.Select(c => c.Currency)).Concat(refunds.Keys).Distinct().Order()
            .Select(currency =>
            {
                var perDay = days.Select(day => capturedByDay[(currency, day)].Sum()).ToList();
                return new CurrencyFigures(currency, open.GetValueOrDefault(currency), perDay[^1], perDay.TakeLast(7).Sum(), perDay.Sum(),
                    refunds.GetValueOrDefault(currency), perDay);
            }).ToList();

        var dayAgo = now.AddDays(-1);
        var soon = now.Add(TransactionQuery.ExpiresSoonWindow);
        var codes = await db.Channels.AsNoTracking().Select(c => new { c.Id, c.Code }).ToListAsync(cancellationToken);
        var services = await channels.ServicesByChannelAsync(db, null, cancellationToken);
        var lastRun = await db.JobRuns.Where(r => r.JobId == JobSettings.CheckOrderStatus && r.EndedAt != null).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        var attention = new Attention(
            await db.Operations.CountAsync(o => o.State == OperationState.Unknown, cancellationToken),
            await db.Transactions.CountAsync(t => t.State == TransactionState.Pending && t.CreatedAt < dayAgo, cancellationToken),
            await db.Transactions.CountAsync(t => (t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured) && t.ExpiresAt <= soon, cancellationToken),
            [.. codes.OrderBy(c => c.Code, StringComparer.Ordinal).SelectMany(c => services(c.Id).Where(s => s.InitializationFailure is not null).Select(s => (c.Code, s.Service)))],
            lastRun is { } run && (run.Failed > 0 || run.Errors.Length > 0),
            [.. (await (from e in db.WebhookEndpoints join c in db.Channels on e.ChannelId equals c.Id where !e.Enabled && e.DisabledForFailures
                        orderby c.Code select new { c.Code, e.Id, e.Url }).ToListAsync(cancellationToken)).Select(e => (e.Code, e.Id, e.Url))]);
        var marked = new List<MarkFigure>();
        foreach (var mark in marks)
            marked.Add(new MarkFigure(mark.Key, mark.Name, await mark.Marked(db).CountAsync(cancellationToken)));
        return new OverviewFigures(days, currencies, attention, marked, await subscriptions.FiguresAsync(days, display.Zone, cancellationToken));
    }

    /// <summary>Midnight of the day in the display zone.</summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, display.Zone.GetUtcOffset(local));
    }
}
