using System.Reflection;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Subscriptions;

namespace BackOffice.Web.Tests.Features.Subscriptions;

/// <summary>A subscription's periods, prices and states, and a plan's terms, without a database.</summary>
public sealed class SubscriptionTests
{
    private static readonly DateTimeOffset January31 = new(2027, 1, 31, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<TimeSpan> Retries = [TimeSpan.FromDays(1), TimeSpan.FromDays(3)];

    private static readonly SubscriptionPlan Plan = new(1, "digital", "Digital", PlanKind.Package, "EUR", "DE");

    private static PlanVersion Version(PlanTerms terms, int id)
    {
        var version = new PlanVersion(1, 1, terms, January31);
        typeof(PlanVersion).GetProperty(nameof(PlanVersion.Id))!.SetValue(version, id, BindingFlags.NonPublic | BindingFlags.Instance, null, null, null);
        return version;
    }

    private static readonly PlanVersion Monthly = Version(new PlanTerms(990, 19, BillingInterval.Month, 1), 1);

    private static Subscription Paid(PlanVersion? campaign = null) => Subscription.Paid(1, Guid.NewGuid(), Plan, Monthly, campaign, "token", January31);

    [Fact]
    public void Months_count_from_the_anchor_so_the_end_of_a_month_never_drifts()
    {
        var subscription = Paid();

        Assert.Equal([January31, new(2027, 2, 28, 9, 0, 0, TimeSpan.Zero), new(2027, 3, 31, 9, 0, 0, TimeSpan.Zero), new(2027, 4, 30, 9, 0, 0, TimeSpan.Zero)],
            Enumerable.Range(0, 4).Select(subscription.PeriodStart));
        Assert.Equal((SubscriptionState.Active, 1, new DateTimeOffset(2027, 2, 28, 9, 0, 0, TimeSpan.Zero)), (subscription.State, subscription.NextPeriod, subscription.NextChargeAt));
        subscription.Charged(1);
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 9, 0, 0, TimeSpan.Zero), subscription.NextChargeAt);
    }

    [Fact]
    public void A_trial_charges_nothing_until_it_ends_and_then_the_package_price_from_its_end()
    {
        var trial = Version(new PlanTerms(0, 19, BillingInterval.Month, 1, TrialDays: 14, PackagePlanId: 7), 2);
        var subscription = Subscription.Trial(1, Guid.NewGuid(), Plan, Monthly, trial, "token", January31);

        Assert.Equal((SubscriptionState.Trial, 0, January31.AddDays(14)), (subscription.State, subscription.NextPeriod, subscription.NextChargeAt));
        Assert.False(subscription.IsDue(January31.AddDays(14).AddTicks(-1)));
        Assert.True(subscription.IsDue(January31.AddDays(14)));
        Assert.Equal(990, subscription.PriceOf(0));
        subscription.Charged(0);
        Assert.Equal((SubscriptionState.Active, January31.AddDays(14).AddMonths(1)), (subscription.State, subscription.NextChargeAt));
    }

    [Fact]
    public void A_campaigns_price_holds_for_its_first_periods_and_then_the_packages()
    {
        var intro = Version(new PlanTerms(100, 19, BillingInterval.Month, 1, IntroPeriods: 2, PackagePlanId: 7), 3);
        var subscription = Paid(intro);

        Assert.Equal([100L, 100L, 990L, 990L], Enumerable.Range(0, 4).Select(subscription.PriceOf));
    }

    [Fact]
    public void A_refusal_that_may_pass_makes_it_past_due_on_the_schedule_until_the_schedule_is_spent()
    {
        var subscription = Paid();
        var due = subscription.NextChargeAt!.Value;

        subscription.Refused(ChargeRefusal.TryAgain, "PAYMENT_METHOD_FAILED", Retries, due);
        Assert.Equal((SubscriptionState.PastDue, due.AddDays(1), 1), (subscription.State, subscription.NextChargeAt, subscription.FailedAttempts));
        subscription.Refused(ChargeRefusal.TryAgain, "PAYMENT_METHOD_FAILED", Retries, due.AddDays(1));
        Assert.Equal((SubscriptionState.PastDue, due.AddDays(4)), (subscription.State, subscription.NextChargeAt));
        subscription.Refused(ChargeRefusal.TryAgain, "PAYMENT_METHOD_FAILED", Retries, due.AddDays(4));

        Assert.Equal((SubscriptionState.Terminated, null, due.AddDays(4)), (subscription.State, subscription.NextChargeAt, subscription.EndedAt));
        Assert.Contains("PAYMENT_METHOD_FAILED", subscription.EndReason, StringComparison.Ordinal);
        Assert.Throws<BusinessRuleException>(() => subscription.Charged(1));
    }

    [Fact]
    public void A_charge_paid_after_a_refusal_makes_it_active_again_with_the_next_period_where_it_always_was()
    {
        var subscription = Paid();
        var due = subscription.NextChargeAt!.Value;
        subscription.Refused(ChargeRefusal.TryAgain, "PAYMENT_METHOD_FAILED", Retries, due);

        subscription.Charged(1);

        Assert.Equal((SubscriptionState.Active, 0, subscription.PeriodStart(2)), (subscription.State, subscription.FailedAttempts, subscription.NextChargeAt));
    }

    [Fact]
    public void A_final_refusal_terminates_at_once()
    {
        var subscription = Paid();

        subscription.Refused(ChargeRefusal.Final, "TOKEN_SUSPENDED", Retries, January31.AddDays(28));

        Assert.Equal(SubscriptionState.Terminated, subscription.State);
        Assert.Contains("TOKEN_SUSPENDED", subscription.EndReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelled_at_the_period_end_it_ends_when_the_next_charge_would_be_due_and_not_before()
    {
        var subscription = Paid();
        subscription.CancelAtEnd();
        var due = subscription.NextChargeAt!.Value;

        Assert.Throws<BusinessRuleException>(() => subscription.EndPeriod(due.AddTicks(-1)));
        subscription.EndPeriod(due.AddHours(1));

        Assert.Equal((SubscriptionState.Cancelled, due), (subscription.State, subscription.EndedAt));
        Assert.Throws<BusinessRuleException>(() => subscription.CancelAtEnd());
    }

    [Fact]
    public void An_operator_moves_the_next_charge_only_forward_and_tries_again_only_what_is_past_due()
    {
        var subscription = Paid();
        var now = January31.AddDays(2);

        Assert.Throws<BusinessRuleException>(() => subscription.MoveNextCharge(now.AddDays(-1), now));
        Assert.Throws<BusinessRuleException>(() => subscription.RetryNow(now));
        subscription.MoveNextCharge(now.AddDays(40), now);
        Assert.Equal(now.AddDays(40), subscription.NextChargeAt);
        subscription.Terminate(now, "Asked by the customer.");
        Assert.Throws<BusinessRuleException>(() => subscription.MoveNextCharge(now.AddDays(50), now));
    }

    [Theory]
    [InlineData(0, null, null, false, "A package costs more than nothing.")]
    [InlineData(990, 14, null, true, "A free trial costs nothing.")]
    [InlineData(0, 14, 2, true, "A campaign has either a free trial or a price for its first periods.")]
    [InlineData(0, null, 2, true, "A campaign's first periods cost something; a free start is a trial.")]
    [InlineData(990, 14, null, false, "Only a campaign has a trial or first periods at their own price.")]
    public void Terms_that_do_not_make_a_plan_are_refused_with_why(long price, int? trialDays, int? introPeriods, bool campaign, string error)
    {
        var terms = new PlanTerms(price, 19, BillingInterval.Month, 1, trialDays, introPeriods, campaign ? 7 : null);

        Assert.Equal(error, terms.Error()?.ToString());
        Assert.Equal(error, Assert.Throws<BusinessRuleException>(() => new PlanVersion(1, 1, terms, January31)).Message);
    }
}
