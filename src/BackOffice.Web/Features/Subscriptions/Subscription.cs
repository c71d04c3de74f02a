using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

public enum SubscriptionState
{
    Trial,
    Active,

    /// <summary>A charge was refused with a reason that may pass; it is tried again on the channel's schedule.</summary>
    PastDue,

    /// <summary>Ended at the end of a paid period, as asked.</summary>
    Cancelled,

    /// <summary>Ended at once: by an operator, or because the payment method failed for good.</summary>
    Terminated,
}

/// <summary>How a refusal of a charge ends for the subscription, by Klarna's advice for its code.</summary>
public enum ChargeRefusal
{
    /// <summary>The payment failed this time (<c>PAYMENT_METHOD_FAILED</c>): past due, tried again on the schedule.</summary>
    TryAgain,

    /// <summary>The token can no longer be charged (suspended, cancelled, not this merchant's, the funding source gone): terminated.</summary>
    Final,
}

/// <summary>
/// One customer's subscription to a package (through a campaign, perhaps), paid by a customer token. Its periods count
/// from an anchor — the purchase, or the end of the trial — so that months never drift (31 January, 28 February,
/// 31 March). Period <see cref="NextPeriod"/> is charged at <see cref="NextChargeAt"/>; every change of state goes
/// through a guarded method here.
/// </summary>
public sealed class Subscription
{
    private Subscription()
    {
    }

    private Subscription(int channelId, Guid accountId, PlanVersion package, PlanVersion? campaign, SubscriptionPlan plan, string customerToken, DateTimeOffset startedAt)
    {
        (ChannelId, AccountId, PackageVersionId, CampaignVersionId, Currency, Country, CustomerToken, StartedAt) =
            (channelId, accountId, package.Id, campaign?.Id, plan.Currency, plan.Country, customerToken, startedAt);
        (Interval, IntervalCount, PackagePrice, VatPercent) = (package.Interval, package.IntervalCount, package.Price, package.VatPercent);
        (IntroPrice, IntroPeriods) = campaign?.IntroPeriods is { } periods ? (campaign.Price, periods) : (0L, 0);
    }

    /// <summary>Bought with its first period charged at once.</summary>
    public static Subscription Paid(int channelId, Guid accountId, SubscriptionPlan plan, PlanVersion package, PlanVersion? campaign, string customerToken, DateTimeOffset at,
        bool keepAccountInfo = false)
    {
        var subscription = new Subscription(channelId, accountId, package, campaign, plan, customerToken, at)
        {
            State = SubscriptionState.Active, Anchor = at, KeepAccountInfo = keepAccountInfo,
        };
        subscription.NextPeriod = 1;
        subscription.NextChargeAt = subscription.PeriodStart(1);
        return subscription;
    }

    /// <summary>A free trial: nothing is charged until it ends, when the package's first period is.</summary>
    public static Subscription Trial(int channelId, Guid accountId, SubscriptionPlan plan, PlanVersion package, PlanVersion campaign, string customerToken, DateTimeOffset at,
        bool keepAccountInfo = false)
    {
        var anchor = at.AddDays(campaign.TrialDays ?? throw new ArgumentException("A trial needs a campaign with trial days.", nameof(campaign)));
        return new Subscription(channelId, accountId, package, campaign, plan, customerToken, at)
        {
            State = SubscriptionState.Trial, Anchor = anchor, TrialEndsAt = anchor, NextPeriod = 0, NextChargeAt = anchor, KeepAccountInfo = keepAccountInfo,
        };
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public Guid AccountId { get; private set; }
    public int PackageVersionId { get; private set; }
    public int? CampaignVersionId { get; private set; }
    public SubscriptionState State { get; private set; }
    public string Currency { get; private set; } = "";
    public string Country { get; private set; } = "";
    public string CustomerToken { get; private set; } = "";

    /// <summary>The terms sold, kept with the subscription: a plan's later versions do not change them.</summary>
    public BillingInterval Interval { get; private set; }

    public int IntervalCount { get; private set; }
    public long PackagePrice { get; private set; }
    public decimal VatPercent { get; private set; }
    public long IntroPrice { get; private set; }
    public int IntroPeriods { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset Anchor { get; private set; }
    public DateTimeOffset? TrialEndsAt { get; private set; }
    public int NextPeriod { get; private set; }
    public DateTimeOffset? NextChargeAt { get; private set; }

    /// <summary>Refused charges of <see cref="NextPeriod"/> so far.</summary>
    public int FailedAttempts { get; private set; }

    public bool CancelAtPeriodEnd { get; private set; }

    /// <summary>The purchase asked that Klarna's data not overwrite the account (Payway's <c>disable_account_info_overwrite</c>).</summary>
    public bool KeepAccountInfo { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? EndReason { get; private set; }
    public int Version { get; private set; }

    public bool HasEnded => State is SubscriptionState.Cancelled or SubscriptionState.Terminated;

    /// <summary>The start of a period: the anchor plus whole intervals, counted from the anchor each time.</summary>
    public DateTimeOffset PeriodStart(int period) => Interval switch
    {
        BillingInterval.Day => Anchor.AddDays(period * IntervalCount),
        BillingInterval.Week => Anchor.AddDays(7 * period * IntervalCount),
        BillingInterval.Month => Anchor.AddMonths(period * IntervalCount),
        _ => Anchor.AddYears(period * IntervalCount),
    };

    /// <summary>What a period costs: a campaign's price for its first periods, then the package's.</summary>
    public long PriceOf(int period) => period < IntroPeriods ? IntroPrice : PackagePrice;

    public bool IsDue(DateTimeOffset now) => !HasEnded && NextChargeAt is { } due && due <= now;

    /// <summary>A charge of the due period is under way: a change someone saves meanwhile is refused, not lost.</summary>
    public void ChargeStarted()
    {
        if (HasEnded)
            throw new BusinessRuleException("The subscription has ended.");
        Version++;
    }

    /// <summary>The period was paid: the subscription is active until the next one is due.</summary>
    public void Charged(int period)
    {
        if (HasEnded || period != NextPeriod)
            throw new BusinessRuleException("Period {0} is not the one due.", period);
        State = SubscriptionState.Active;
        NextPeriod = period + 1;
        NextChargeAt = PeriodStart(NextPeriod);
        FailedAttempts = 0;
        Version++;
    }

    /// <summary>
    /// A refused charge: a final refusal terminates; one that may pass makes the subscription past due and waits the
    /// schedule's next step, and once the schedule is spent it terminates too.
    /// </summary>
    public void Refused(ChargeRefusal refusal, string code, IReadOnlyList<TimeSpan> retries, DateTimeOffset now)
    {
        if (HasEnded)
            throw new BusinessRuleException("The subscription has ended.");
        FailedAttempts++;
        if (refusal == ChargeRefusal.Final || FailedAttempts > retries.Count)
            End(SubscriptionState.Terminated, now, refusal == ChargeRefusal.Final ? $"The payment provider refused the charge: {code}" : $"The payment provider refused every charge of the period: {code}");
        else
        {
            State = SubscriptionState.PastDue;
            NextChargeAt = now + retries[FailedAttempts - 1];
            Version++;
        }
    }

    /// <summary>Ends the subscription when its paid period ends; nothing more is charged.</summary>
    public void CancelAtEnd()
    {
        if (HasEnded)
            throw new BusinessRuleException("The subscription has ended.");
        CancelAtPeriodEnd = true;
        Version++;
    }

    /// <summary>The paid period ran out with a cancellation asked for.</summary>
    public void EndPeriod(DateTimeOffset now)
    {
        if (!CancelAtPeriodEnd || !IsDue(now))
            throw new BusinessRuleException("The subscription is not due to be cancelled.");
        End(SubscriptionState.Cancelled, NextChargeAt!.Value, "Cancelled at the end of the period.");
    }

    /// <summary>A purchase the provider refused: the subscription is recorded as terminated from its start, as Payway does.</summary>
    public static Subscription Refused(int channelId, Guid accountId, SubscriptionPlan plan, PlanVersion package, PlanVersion? campaign, DateTimeOffset at, string reason)
    {
        var subscription = new Subscription(channelId, accountId, package, campaign, plan, "", at) { Anchor = at };
        subscription.End(SubscriptionState.Terminated, at, reason);
        return subscription;
    }

    public void Terminate(DateTimeOffset now, string reason)
    {
        if (HasEnded)
            throw new BusinessRuleException("The subscription has ended.");
        End(SubscriptionState.Terminated, now, reason);
    }

    /// <summary>An operator moves the next charge; never into the past, and never for a subscription that has ended.</summary>
    public void MoveNextCharge(DateTimeOffset to, DateTimeOffset now)
    {
        if (HasEnded)
            throw new BusinessRuleException("The subscription has ended.");
        if (to < now)
            throw new BusinessRuleException("The next charge cannot be in the past.");
        NextChargeAt = to;
        Version++;
    }

    /// <summary>A past-due charge is tried again at once.</summary>
    public void RetryNow(DateTimeOffset now)
    {
        if (State != SubscriptionState.PastDue)
            throw new BusinessRuleException("Only a past-due charge is tried again.");
        NextChargeAt = now;
        Version++;
    }

    private void End(SubscriptionState state, DateTimeOffset at, string reason)
    {
        (State, EndedAt, EndReason, NextChargeAt) = (state, at, reason, null);
        Version++;
    }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> subscription)
    {
        subscription.ToTable("Subscriptions");
        subscription.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Restrict);
        subscription.HasOne<SubscriberAccount>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Restrict);
        subscription.HasOne<PlanVersion>().WithMany().HasForeignKey(s => s.PackageVersionId).OnDelete(DeleteBehavior.Restrict);
        subscription.HasOne<PlanVersion>().WithMany().HasForeignKey(s => s.CampaignVersionId).OnDelete(DeleteBehavior.Restrict);
        subscription.HasIndex(s => s.NextChargeAt);
        subscription.HasIndex(s => new { s.ChannelId, s.State });
        subscription.Property(s => s.State).HasConversion<string>().HasMaxLength(12);
        subscription.Property(s => s.Interval).HasConversion<string>().HasMaxLength(10);
        subscription.Property(s => s.Currency).HasMaxLength(3);
        subscription.Property(s => s.Country).HasMaxLength(2);
        subscription.Property(s => s.CustomerToken).HasMaxLength(255);
        subscription.Property(s => s.VatPercent).HasPrecision(5, 2);
        subscription.Property(s => s.EndReason).HasMaxLength(300);
        subscription.Property(s => s.Version).IsConcurrencyToken();
    }
}
