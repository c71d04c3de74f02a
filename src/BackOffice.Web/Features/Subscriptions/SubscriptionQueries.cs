using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

public sealed record SubscriptionFilter(string? Text = null, SubscriptionState? State = null);

public sealed record SubscriptionRow(Guid Id, string ChannelCode, string Email, string Name, string Plan, SubscriptionState State, DateTimeOffset? NextChargeAt,
    long NextChargeAmount, string Currency, DateTimeOffset StartedAt);

public sealed record SubscriptionChargeRow(int Period, int Attempt, long Amount, string Currency, SubscriptionChargeState State, Guid? TransactionId, string? OrderNumber,
    string? RefusalCode, DateTimeOffset CreatedAt);

public sealed record SubscriptionTimelineEntry(DateTimeOffset At, string User, string Action, Message Details, bool Succeeded);

/// <param name="ForOperator">The open charge whose key the provider no longer answers, which an operator settles; null when none waits.</param>
public sealed record SubscriptionDetail(SubscriptionRow Row, Subscription Subscription, SubscriberAccount Account, IReadOnlyList<SubscriptionChargeRow> Charges,
    IReadOnlyList<SubscriptionTimelineEntry> Timeline, SubscriptionChargeRow? ForOperator)
{
    public bool HasOpenCharge => Charges.Any(c => c.State is SubscriptionChargeState.Sending or SubscriptionChargeState.Unknown);

    /// <summary>The order number the provider was given for the open charge, to look it up there.</summary>
    public string? ForOperatorOrderNumber => ForOperator is { } charge ? SubscriptionCharge.NumberOf(Subscription.Id, charge.Period) : null;
}

/// <summary>Recurring revenue per month and currency, with how many subscriptions pay it.</summary>
public sealed record RecurringRevenue(string Currency, long PerMonth, int Paying);

/// <summary>The overview's subscription figures: revenue, new and ended subscriptions per day, and what needs attention.</summary>
public sealed record SubscriptionFigures(IReadOnlyList<RecurringRevenue> Revenue, IReadOnlyList<int> StartedPerDay, IReadOnlyList<int> EndedPerDay, int PastDue, int UnsettledCharges)
{
    public bool Any => Revenue.Count > 0 || StartedPerDay.Any(n => n > 0) || EndedPerDay.Any(n => n > 0) || PastDue + UnsettledCharges > 0;
}

/// <summary>
/// Finds subscriptions for the pages: by state, and by the account's e-mail or name (parts of them) or personal number
/// (its exact value only, through its digest); newest first.
/// </summary>
public sealed class SubscriptionQueries(IDbContextFactory<BackOfficeDbContext> databases, PersonalNumbers personalNumbers, ISubscriptionPayments payments, TimeProvider time)
{
    public const int Shown = 200;

    public async Task<IReadOnlyList<SubscriptionRow>> SearchAsync(SubscriptionFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = Rows(db);
        if (filter.State is { } state)
            rows = rows.Where(r => r.State == state);
        if (filter.Text?.Trim() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            var digits = PersonalNumbers.Normalized(text);
            var digest = digits.Length >= 6 && digits.Any(char.IsAsciiDigit) ? await personalNumbers.DigestAsync(text) : "";
            rows = rows.Where(r => r.Email.ToLower().Contains(lower) || (r.FirstName + " " + r.LastName).ToLower().Contains(lower) || r.PersonalNumberDigest == digest);
        }
        return [.. (await rows.OrderByDescending(r => r.StartedAt).Take(Shown).ToListAsync(cancellationToken)).Select(r => r.Row)];
    }

    public async Task<SubscriptionDetail?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await Rows(db).SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (found is null)
            return null;
        var subscription = await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id, cancellationToken);
        var account = await db.SubscriberAccounts.AsNoTracking().SingleAsync(a => a.Id == subscription.AccountId, cancellationToken);
        var charges = await (from c in db.SubscriptionCharges
                             where c.SubscriptionId == id
                             orderby c.Period descending, c.Attempt descending
                             select new SubscriptionChargeRow(c.Period, c.Attempt, c.Amount, c.Currency, c.State, c.TransactionId,
                                 db.Transactions.Where(t => t.Id == c.TransactionId).Select(t => t.OrderNumber).FirstOrDefault(), c.RefusalCode, c.CreatedAt))
            .AsNoTracking().ToListAsync(cancellationToken);
        var subject = id.ToString();
        var timeline = await db.AuditEntries.AsNoTracking().Where(e => e.Area == "Subscriptions" && e.Subject == subject).OrderByDescending(e => e.At)
            .ToListAsync(cancellationToken);
        var forOperator = charges.FirstOrDefault(c => c.State is SubscriptionChargeState.Sending or SubscriptionChargeState.Unknown && time.GetUtcNow() - c.CreatedAt > payments.KeyLifetime);
        return new SubscriptionDetail(found.Row, subscription, account, charges,
            [.. timeline.Select(e => new SubscriptionTimelineEntry(e.At, e.User, e.Action, e.DetailsMessage, e.Succeeded))], forOperator);
    }

    /// <summary>
    /// What the subscriptions bring per month (each paying subscription's price as a month's share: a week is 52/12 of a
    /// month, a day 365/12), and how many started and ended on each of <paramref name="days"/> in <paramref name="zone"/>.
    /// </summary>
    public async Task<SubscriptionFigures> FiguresAsync(IReadOnlyList<DateOnly> days, TimeZoneInfo zone, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var paying = await db.Subscriptions.Where(s => s.State == SubscriptionState.Active || s.State == SubscriptionState.PastDue)
            .GroupBy(s => new { s.Currency, s.Interval, s.IntervalCount })
            .Select(g => new { g.Key.Currency, g.Key.Interval, g.Key.IntervalCount, Sum = g.Sum(s => s.PackagePrice), Count = g.Count() }).ToListAsync(cancellationToken);
        var revenue = paying.GroupBy(p => p.Currency).OrderBy(g => g.Key)
            .Select(g => new RecurringRevenue(g.Key, (long)Math.Round(g.Sum(p => p.Sum * PerMonth(p.Interval) / p.IntervalCount), MidpointRounding.AwayFromZero), g.Sum(p => p.Count)))
            .ToList();
        var first = days[0].ToDateTime(TimeOnly.MinValue);
        var since = new DateTimeOffset(first, zone.GetUtcOffset(first));
        var started = await db.Subscriptions.Where(s => s.StartedAt >= since && s.CustomerToken != "").Select(s => s.StartedAt).ToListAsync(cancellationToken);
        var ended = await db.Subscriptions.Where(s => s.EndedAt >= since && s.CustomerToken != "").Select(s => s.EndedAt!.Value).ToListAsync(cancellationToken);
        IReadOnlyList<int> PerDay(IEnumerable<DateTimeOffset> times)
        {
            var counts = times.GroupBy(t => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime)).ToDictionary(g => g.Key, g => g.Count());
            return [.. days.Select(d => counts.GetValueOrDefault(d))];
        }
        return new SubscriptionFigures(revenue, PerDay(started), PerDay(ended),
            await db.Subscriptions.CountAsync(s => s.State == SubscriptionState.PastDue, cancellationToken),
            await db.SubscriptionCharges.CountAsync(c => c.State == SubscriptionChargeState.Unknown || c.State == SubscriptionChargeState.Sending, cancellationToken));
    }

    private static decimal PerMonth(BillingInterval interval) => interval switch
    {
        BillingInterval.Day => 365m / 12,
        BillingInterval.Week => 52m / 12,
        BillingInterval.Month => 1,
        _ => 1m / 12,
    };

    /// <summary>A row as the database gives it, flat so that it can still be filtered and ordered there.</summary>
    private sealed class Found
    {
        public Guid Id { get; init; }
        public string ChannelCode { get; init; } = "";
        public string Email { get; init; } = "";
        public string FirstName { get; init; } = "";
        public string LastName { get; init; } = "";
        public string? PersonalNumberDigest { get; init; }
        public string Plan { get; init; } = "";
        public SubscriptionState State { get; init; }
        public DateTimeOffset? NextChargeAt { get; init; }
        public long NextChargeAmount { get; init; }
        public string Currency { get; init; } = "";
        public DateTimeOffset StartedAt { get; init; }

        public SubscriptionRow Row => new(Id, ChannelCode, Email, $"{FirstName} {LastName}".Trim(), Plan, State, NextChargeAt, NextChargeAmount, Currency, StartedAt);
    }

    private static IQueryable<Found> Rows(BackOfficeDbContext db) =>
        from s in db.Subscriptions
        join a in db.SubscriberAccounts on s.AccountId equals a.Id
        join c in db.Channels on s.ChannelId equals c.Id
        join v in db.PlanVersions on s.PackageVersionId equals v.Id
        join p in db.SubscriptionPlans on v.PlanId equals p.Id
        select new Found
        {
            Id = s.Id, ChannelCode = c.Code, Email = a.Email, FirstName = a.FirstName, LastName = a.LastName, PersonalNumberDigest = a.PersonalNumberDigest, Plan = p.Name,
            State = s.State, NextChargeAt = s.NextChargeAt, NextChargeAmount = s.NextPeriod < s.IntroPeriods ? s.IntroPrice : s.PackagePrice, Currency = s.Currency,
            StartedAt = s.StartedAt,
        };
}
