using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna.PClasses;

namespace BackOffice.Web.Tests.Features.PClasses;

/// <summary>
/// Klarna's legacy Calc arithmetic (checkout page). Expected values are worked out by hand from its formulas: the
/// annuity A = P·p / (1 − (1 + p)^−n) with p = rate / 1200, plus the invoice fee; the month-by-month run of the account
/// (interest and fee added, the payment taken, for account PClasses at least the lowest payment and 1/24 of the
/// balance plus fee and interest, the last month paying what is owed); the monthly cost rounded to the cent and the
/// total rounded to 0.10 (DE, AT, NL, FI) or whole units (SE, NO, DK).
/// </summary>
public sealed class InstallmentCalculatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly StoredPClass Ratenkauf = new(3113, "Ratenkauf", 24, 0m, 1.95m, 14.95m, 0m, KlarnaCountry.DE, PClassType.Account, null, 1395);
    private static readonly StoredPClass Zinsfrei = new(3114, "3 Monate zinsfrei", 3, 0m, 0m, 0m, 100m, KlarnaCountry.DE, PClassType.Campaign, new DateOnly(2099, 12, 31), 1395);
    private static readonly StoredPClass Rantefritt = new(2114, "3 månader räntefritt", 3, 195m, 29m, 0m, 1000m, KlarnaCountry.SE, PClassType.Campaign, new DateOnly(2099, 12, 31), 2728);

    [Fact]
    public void Three_months_interest_free_for_1000_euro_is_333_33_a_month_and_1000_in_all()
    {
        // 1000 / 3 = 333.333…: shown 333.33; the three payments add up to 1000.00 (not 3 × 333.33 = 999.99).
        Assert.Equal(new InstallmentQuote(33_333, 100_000, null), InstallmentCalculator.Quote(Zinsfrei, 100_000, Today));
        Assert.Equal(new InstallmentQuote(16_667, 50_000, null), InstallmentCalculator.Quote(Zinsfrei, 50_000, Today));
    }

    [Fact]
    public void The_swedish_campaign_2114_for_2500_kronor_is_927_33_a_month_and_2782_in_all()
    {
        // P = 2500 + 195 start fee = 2695; 2695 / 3 = 898.333… + 29 invoice fee = 927.333… a month;
        // in all 2695 + 3 × 29 = 2782 (not 3 × 927.33 = 2781.99).
        Assert.Equal(new InstallmentQuote(92_733, 278_200, null), InstallmentCalculator.Quote(Rantefritt, 250_000, Today));
    }

    [Fact]
    public void Ratenkauf_pays_at_least_a_24th_of_the_balance_so_1000_euro_start_at_56_08_a_month()
    {
        // Month 1: interest 1000 · 14.95 / 1200 = 12.4583; the annuity 48.4629 + 1.95 fee = 50.4129 is less than
        // 1000 / 24 + 1.95 + 12.4583 = 56.075, which is paid: 56.08. Month 2: balance 958.3833, 53.8198 is paid; month 3:
        // 51.6586; from month 4 the annuity 50.4129 is the larger; month 24 pays what is left, 36.7962.
        // 56.075 + 53.8198 + 51.6586 + 20 · 50.4129 + 36.7962 = 1206.607… → 1206.60 (tenths in Germany).
        var payments = InstallmentCalculator.Payments(Ratenkauf, 1000);

        Assert.Equal(24, payments.Count);
        Assert.Equal([56.075, 53.8198, 51.6586, 50.4129], payments.Take(4).Select(p => Math.Round(p, 4)));
        Assert.Equal(36.7962, Math.Round(payments[^1], 4));
        Assert.Equal(new InstallmentQuote(5_608, 120_660, null), InstallmentCalculator.Quote(Ratenkauf, 100_000, Today));
    }

    [Fact]
    public void An_account_never_pays_less_than_the_countrys_lowest_monthly_payment()
    {
        // 50 € over 24 months: 50 / 24 + 1.95 + 0.62 = 4.66 and the annuity with its fee, 4.37, are both below Germany's lowest 6.95.
        var quote = InstallmentCalculator.Quote(Ratenkauf, 5_000, Today);

        Assert.Equal(695, quote.MonthlyPayment);
        Assert.True(InstallmentCalculator.Payments(Ratenkauf, 50).SkipLast(1).All(p => p >= 6.95));
    }

    [Fact]
    public void A_fixed_pclass_pays_the_annuity_with_the_start_fee_and_rounds_the_total_to_whole_kronor()
    {
        var fixedPlan = new StoredPClass(2115, "Fast delbetalning 12 månader", 12, 0m, 29m, 9.95m, 500m, KlarnaCountry.SE, PClassType.Fixed, null, 2728);

        // p = 9.95 / 1200; A = 5000 · p / (1 − (1 + p)^−12) = 439.4632 + 29 = 468.4632 → 468.46; twelve payments, 5621.56 → 5622.
        Assert.Equal(new InstallmentQuote(46_846, 562_200, null), InstallmentCalculator.Quote(fixedPlan, 500_000, Today));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-100_000)]
    public void An_amount_of_zero_or_less_is_refused_with_a_message(long amount)
    {
        var quote = InstallmentCalculator.Quote(Ratenkauf, amount, Today);

        Assert.Equal((false, "Enter an amount above zero.", (long?)null), (quote.IsAvailable, quote.NotAvailable?.ToString(), quote.MonthlyPayment));
    }

    [Fact]
    public void Below_the_minimum_amount_the_pclass_is_not_available()
    {
        var quote = InstallmentCalculator.Quote(Zinsfrei, 9_999, Today);

        Assert.False(quote.IsAvailable);
        Assert.StartsWith("only from ", quote.NotAvailable?.ToString(), StringComparison.Ordinal);
        Assert.Contains("100.00", quote.NotAvailable?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_pclass_is_not_available()
    {
        var expired = Ratenkauf with { ExpiresOn = new DateOnly(2020, 8, 31) };

        Assert.Equal("expired on 2020-08-31", InstallmentCalculator.Quote(expired, 100_000, Today).NotAvailable?.ToString());
        Assert.True(InstallmentCalculator.Quote(expired with { ExpiresOn = Today }, 100_000, Today).IsAvailable);
    }

    [Fact]
    public void The_invoice_is_one_payment_of_the_amount_and_its_fee()
    {
        var quote = InstallmentCalculator.Quote(StoredPClass.Invoice(KlarnaCountry.DE), 12_345, Today);

        Assert.Equal(new InstallmentQuote(null, 12_345, null), quote);
    }
}
