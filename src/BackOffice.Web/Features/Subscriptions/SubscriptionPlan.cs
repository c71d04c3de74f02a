using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>A package is sold by the period; a campaign opens a package with a free trial or a lower price for its first periods.</summary>
public enum PlanKind
{
    Package,
    Campaign,
}

public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>
/// What a shop sells as a subscription on a channel, known to the shop by its code (as Payway's "adeprimo_digital"). Its
/// terms are versioned: a change makes a new version, and a subscription keeps the version it was sold with.
/// </summary>
public sealed class SubscriptionPlan
{
    public const int CodeMaxLength = 60;
    public const int NameMaxLength = 100;

    private SubscriptionPlan()
    {
    }

    public SubscriptionPlan(int channelId, string code, string name, PlanKind kind, string currency, string country)
    {
        code = code.Trim();
        name = name.Trim();
        if (Error(code, name) is { } error)
            throw new BusinessRuleException(error);
        (ChannelId, Code, Name, Kind, Currency, Country) = (channelId, code, name, kind, currency.ToUpperInvariant(), country.ToUpperInvariant());
    }

    public int Id { get; private set; }
    public int ChannelId { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public PlanKind Kind { get; private set; }
    public string Currency { get; private set; } = "";
    public string Country { get; private set; } = "";

    /// <summary>A retired plan sells no more; its subscriptions run on.</summary>
    public bool Retired { get; private set; }

    public void Rename(string name)
    {
        name = name.Trim();
        if (Error(Code, name) is { } error)
            throw new BusinessRuleException(error);
        Name = name;
    }

    public void Retire() => Retired = true;

    public static Message? Error(string code, string name) =>
        code.Length == 0 || code.Length > CodeMaxLength || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? new Message("A plan's code has 1 to {0} letters, digits, '_' or '-'.", CodeMaxLength)
        : name.Length == 0 || name.Length > NameMaxLength ? new Message("A plan's name has 1 to {0} characters.", NameMaxLength)
        : null;
}

/// <summary>
/// One version of a plan's terms. A package: its price per period. A campaign: the package it turns into, and either a
/// free trial of some days or a price for its first periods (then the package's price).
/// </summary>
public sealed class PlanVersion
{
    private PlanVersion()
    {
    }

    public PlanVersion(int planId, int version, PlanTerms terms, DateTimeOffset createdAt)
    {
        if (terms.Error() is { } error)
            throw new BusinessRuleException(error);
        (PlanId, Version, CreatedAt) = (planId, version, createdAt);
        (Price, VatPercent, Interval, IntervalCount, TrialDays, IntroPeriods, PackagePlanId) =
            (terms.Price, terms.VatPercent, terms.Interval, terms.IntervalCount, terms.TrialDays, terms.IntroPeriods, terms.PackagePlanId);
    }

    public int Id { get; private set; }
    public int PlanId { get; private set; }
    public int Version { get; private set; }

    /// <summary>The price per period in minor units, VAT included; a campaign's price for its first periods.</summary>
    public long Price { get; private set; }

    public decimal VatPercent { get; private set; }
    public BillingInterval Interval { get; private set; }
    public int IntervalCount { get; private set; }
    public int? TrialDays { get; private set; }
    public int? IntroPeriods { get; private set; }

    /// <summary>The package a campaign turns into.</summary>
    public int? PackagePlanId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public PlanTerms Terms => new(Price, VatPercent, Interval, IntervalCount, TrialDays, IntroPeriods, PackagePlanId);
}

/// <summary>A plan's terms as they are entered and versioned.</summary>
public sealed record PlanTerms(long Price, decimal VatPercent, BillingInterval Interval, int IntervalCount, int? TrialDays = null, int? IntroPeriods = null, int? PackagePlanId = null)
{
    public bool IsCampaign => PackagePlanId is not null;

    public Message? Error() =>
        Price is < 0 or > 200_000_000 ? new Message("A price is 0 to 200000000 minor units.")
        : VatPercent is < 0 or > 100 ? new Message("VAT is 0 to 100 percent.")
        : IntervalCount is < 1 or > 12 ? new Message("A period is 1 to 12 days, weeks, months or years.")
        : !IsCampaign && (TrialDays is not null || IntroPeriods is not null) ? new Message("Only a campaign has a trial or first periods at their own price.")
        : IsCampaign && (TrialDays is null) == (IntroPeriods is null) ? new Message("A campaign has either a free trial or a price for its first periods.")
        : TrialDays is < 1 or > 365 ? new Message("A free trial lasts 1 to 365 days.")
        : TrialDays is not null && Price != 0 ? new Message("A free trial costs nothing.")
        : IntroPeriods is < 1 or > 24 ? new Message("A campaign's price holds for 1 to 24 periods.")
        : IntroPeriods is not null && Price == 0 ? new Message("A campaign's first periods cost something; a free start is a trial.")
        : !IsCampaign && Price == 0 ? new Message("A package costs more than nothing.")
        : null;
}

internal sealed class SubscriptionPlanConfiguration : IEntityTypeConfiguration<SubscriptionPlan>
{
    public void Configure(EntityTypeBuilder<SubscriptionPlan> plan)
    {
        plan.ToTable("SubscriptionPlans");
        plan.HasOne<Channel>().WithMany().HasForeignKey(p => p.ChannelId).OnDelete(DeleteBehavior.Restrict);
        plan.HasIndex(p => new { p.ChannelId, p.Code }).IsUnique();
        plan.Property(p => p.Code).HasMaxLength(SubscriptionPlan.CodeMaxLength);
        plan.Property(p => p.Name).HasMaxLength(SubscriptionPlan.NameMaxLength);
        plan.Property(p => p.Kind).HasConversion<string>().HasMaxLength(10);
        plan.Property(p => p.Currency).HasMaxLength(3);
        plan.Property(p => p.Country).HasMaxLength(2);
    }
}

internal sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>
{
    public void Configure(EntityTypeBuilder<PlanVersion> version)
    {
        version.ToTable("PlanVersions");
        version.HasOne<SubscriptionPlan>().WithMany().HasForeignKey(v => v.PlanId).OnDelete(DeleteBehavior.Restrict);
        version.HasOne<SubscriptionPlan>().WithMany().HasForeignKey(v => v.PackagePlanId).OnDelete(DeleteBehavior.Restrict);
        version.HasIndex(v => new { v.PlanId, v.Version }).IsUnique();
        version.Property(v => v.VatPercent).HasPrecision(5, 2);
        version.Property(v => v.Interval).HasConversion<string>().HasMaxLength(10);
        version.Ignore(v => v.Terms);
    }
}
