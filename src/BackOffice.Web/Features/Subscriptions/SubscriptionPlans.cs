using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>A plan as it sells now: its identity and its current terms.</summary>
public sealed record PlanOffer(SubscriptionPlan Plan, PlanVersion Version);

/// <summary>A plan as the channel page lists it, with the package a campaign turns into.</summary>
public sealed record PlanView(int Id, string Code, string Name, PlanKind Kind, string Currency, string Country, int Version, PlanTerms Terms, string? PackageCode, bool Retired);

/// <summary>
/// Administers a channel's plans: packages and campaigns, each change of terms a new version (what was sold keeps its
/// version), retiring a plan from sale; audited.
/// </summary>
public sealed class SubscriptionPlans(IDbContextFactory<BackOfficeDbContext> databases, StaffAuthorization authorization, TimeProvider time)
{
    private const string Area = "Subscriptions";

    public async Task<PlanOffer> AddAsync(ClaimsPrincipal user, string channelCode, string code, string name, string currency, string country, PlanTerms terms)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await ChannelIdAsync(db, channelCode);
        if (currency.Trim() is not { Length: 3 } c || !c.All(char.IsAsciiLetter))
            throw new BusinessRuleException("A currency is written as three letters (EUR).");
        if (country.Trim() is not { Length: 2 } k || !k.All(char.IsAsciiLetter))
            throw new BusinessRuleException("A country is written as two letters (DE).");
        var plan = new SubscriptionPlan(channelId, code, name, terms.IsCampaign ? PlanKind.Campaign : PlanKind.Package, currency.Trim(), country.Trim());
        if (await db.SubscriptionPlans.AnyAsync(p => p.ChannelId == channelId && p.Code == plan.Code))
            throw new BusinessRuleException("The channel has a plan '{0}' already.", plan.Code);
        await CheckPackageAsync(db, plan, terms);
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.SubscriptionPlans.Add(plan);
        await db.SaveChangesAsync();
        var version = new PlanVersion(plan.Id, 1, terms, time.GetUtcNow());
        db.PlanVersions.Add(version);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, "Plan added", $"{channelCode} / {plan.Code}", Describe(plan, terms)));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return new PlanOffer(plan, version);
    }

    /// <summary>New terms as a new version: subscriptions sold before keep theirs.</summary>
    public async Task<PlanOffer> ChangeTermsAsync(ClaimsPrincipal user, string channelCode, string code, PlanTerms terms)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await ChannelIdAsync(db, channelCode);
        var plan = await db.SubscriptionPlans.SingleOrDefaultAsync(p => p.ChannelId == channelId && p.Code == code)
            ?? throw new BusinessRuleException("The channel has no plan '{0}'.", code);
        if (terms.IsCampaign != (plan.Kind == PlanKind.Campaign))
            throw new BusinessRuleException("A package stays a package and a campaign a campaign.");
        await CheckPackageAsync(db, plan, terms);
        var latest = await db.PlanVersions.Where(v => v.PlanId == plan.Id).OrderByDescending(v => v.Version).FirstAsync();
        if (latest.Terms == terms)
            throw new BusinessRuleException("These are the plan's terms already.");
        var version = new PlanVersion(plan.Id, latest.Version + 1, terms, time.GetUtcNow());
        db.PlanVersions.Add(version);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, "Plan terms changed", $"{channelCode} / {plan.Code}",
            new Message("Version {0}: {1}", version.Version, Describe(plan, terms))));
        await db.SaveChangesAsync();
        return new PlanOffer(plan, version);
    }

    public async Task RetireAsync(ClaimsPrincipal user, string channelCode, string code)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await ChannelIdAsync(db, channelCode);
        var plan = await db.SubscriptionPlans.SingleOrDefaultAsync(p => p.ChannelId == channelId && p.Code == code)
            ?? throw new BusinessRuleException("The channel has no plan '{0}'.", code);
        plan.Retire();
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, "Plan retired", $"{channelCode} / {plan.Code}", new Message("{0}", plan.Name)));
        await db.SaveChangesAsync();
    }

    /// <summary>The days the channel waits before each new attempt at a refused period.</summary>
    public async Task<IReadOnlyList<int>> RetryDaysAsync(string channelCode, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return RetrySchedule.Of(await (from c in db.Channels where c.Code == channelCode join s in db.RetrySchedules on c.Id equals s.ChannelId select s.Days)
            .SingleOrDefaultAsync(cancellationToken));
    }

    /// <summary>Sets the waits before each new attempt at a refused period ("1, 3, 7"); they apply to the next refusal.</summary>
    public async Task ChangeRetryDaysAsync(ClaimsPrincipal user, string channelCode, string? text)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        var (days, error) = RetrySchedule.Parse(text);
        if (error is not null)
            throw new BusinessRuleException(error);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await ChannelIdAsync(db, channelCode);
        var schedule = await db.RetrySchedules.SingleOrDefaultAsync(s => s.ChannelId == channelId);
        var before = schedule?.Waits ?? RetrySchedule.Default;
        if (before.SequenceEqual(days!))
            throw new BusinessRuleException("This is the channel's retry schedule already.");
        if (schedule is null)
            db.RetrySchedules.Add(new RetrySchedule(channelId, days!));
        else
            schedule.Change(days!);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, "Retry schedule changed", channelCode,
            new Message("Days before each new attempt: {0} (were {1}).", Listed(days!), Listed(before))));
        await db.SaveChangesAsync();
    }

    private static string Listed(IReadOnlyList<int> days) => days.Count == 0 ? "-" : string.Join(", ", days);

    public async Task<IReadOnlyList<PlanView>> ListAsync(string channelCode, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var plans = await (from c in db.Channels where c.Code == channelCode join p in db.SubscriptionPlans on c.Id equals p.ChannelId select p)
            .AsNoTracking().OrderBy(p => p.Kind).ThenBy(p => p.Code).ToListAsync(cancellationToken);
        var ids = plans.Select(p => p.Id).ToList();
        var versions = (await db.PlanVersions.AsNoTracking().Where(v => ids.Contains(v.PlanId)).ToListAsync(cancellationToken))
            .GroupBy(v => v.PlanId).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Version)!);
        return [.. plans.Select(p => new PlanView(p.Id, p.Code, p.Name, p.Kind, p.Currency, p.Country, versions[p.Id].Version, versions[p.Id].Terms,
            versions[p.Id].PackagePlanId is { } package ? plans.FirstOrDefault(x => x.Id == package)?.Code : null, p.Retired))];
    }

    /// <summary>The plan a shop may sell now under its code, with its current terms; null when there is none or it is retired.</summary>
    public async Task<PlanOffer?> OfferAsync(int channelId, string code, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var plan = await db.SubscriptionPlans.AsNoTracking().SingleOrDefaultAsync(p => p.ChannelId == channelId && p.Code == code && !p.Retired, cancellationToken);
        return plan is null ? null
            : new PlanOffer(plan, await db.PlanVersions.AsNoTracking().Where(v => v.PlanId == plan.Id).OrderByDescending(v => v.Version).FirstAsync(cancellationToken));
    }

    public async Task<PlanVersion> CurrentVersionAsync(int planId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.PlanVersions.AsNoTracking().Where(v => v.PlanId == planId).OrderByDescending(v => v.Version).FirstAsync(cancellationToken);
    }

    private static async Task CheckPackageAsync(BackOfficeDbContext db, SubscriptionPlan campaign, PlanTerms terms)
    {
        if (terms.PackagePlanId is not { } packageId)
            return;
        var package = await db.SubscriptionPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == packageId && p.ChannelId == campaign.ChannelId && p.Kind == PlanKind.Package)
            ?? throw new BusinessRuleException("A campaign turns into a package of the same channel.");
        if (package.Currency != campaign.Currency || package.Country != campaign.Country)
            throw new BusinessRuleException("A campaign is sold in its package's currency and country.");
        if (terms.Interval != (await db.PlanVersions.AsNoTracking().Where(v => v.PlanId == packageId).OrderByDescending(v => v.Version).FirstAsync()).Interval)
            throw new BusinessRuleException("A campaign's periods are its package's.");
    }

    private static async Task<int> ChannelIdAsync(BackOfficeDbContext db, string channelCode) =>
        await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);

    private static Message Describe(SubscriptionPlan plan, PlanTerms terms) =>
        terms.TrialDays is { } days ? new Message("{0}: {1} days free, then the package.", plan.Name, days)
        : terms.IntroPeriods is { } periods ? new Message("{0}: {1} for the first {2} periods, then the package.", plan.Name, new Amount(terms.Price, plan.Currency), periods)
        : new Message("{0}: {1} every {2} {3}.", plan.Name, new Amount(terms.Price, plan.Currency), terms.IntervalCount, terms.Interval);
}
