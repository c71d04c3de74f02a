using BackOffice.Klarna;
using BackOffice.Web.Features.PClasses;

namespace BackOffice.Web.Tests.Features.PClasses;

/// <summary>Expected values computed by hand (and checked with a 40-digit decimal calculator).</summary>
public sealed class InstallmentCalculatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly StoredPClass Ratenkauf = new(3113, "Ratenkauf", 24, 0m, 1.95m, 14.95m, 0m, KlarnaCountry.DE, PClassType.Account, null, 1395);

    [Fact]
    public void Ratenkauf_for_1000_euro_is_50_41_a_month_and_1209_84_in_all()
    {
        // r = 14.95 % / 12; annuity = 1000 · r / (1 − (1 + r)^−24) = 48.46; + 1.95 invoice fee = 50.41; × 24 = 1209.84
        var quote = InstallmentCalculator.Quote(Ratenkauf, 100_000, Today);

        Assert.Equal(new InstallmentQuote(5041, 120_984, null), quote);
    }

    [Fact]
    public void The_start_fee_is_financed_with_the_amount()
    {
        var delbetalning = new StoredPClass(2113, "Delbetalning", 24, 195m, 29m, 19.95m, 0m, KlarnaCountry.SE, PClassType.Account, null, 1);

        // (10000 + 195) at 19.95 % over 24 months = 518.63 + 29 fee = 547.63; × 24 = 13143.12
        Assert.Equal(new InstallmentQuote(54_763, 1_314_312, null), InstallmentCalculator.Quote(delbetalning, 1_000_000, Today));
    }

    [Fact]
    public void Without_interest_the_amount_is_split_evenly_and_rounded_half_away_from_zero()
    {
        var campaign = new StoredPClass(3114, "3 Monate zinsfrei", 3, 0m, 0m, 0m, 100m, KlarnaCountry.DE, PClassType.Campaign, new DateOnly(2099, 12, 31), 1);

        Assert.Equal(new InstallmentQuote(16_667, 50_001, null), InstallmentCalculator.Quote(campaign, 50_000, Today));
        Assert.Equal(new InstallmentQuote(3_333, 9_999, null), InstallmentCalculator.Quote(campaign, 10_000, Today));
    }

    [Fact]
    public void Below_the_minimum_amount_the_pclass_is_not_available()
    {
        var campaign = new StoredPClass(3114, "3 Monate zinsfrei", 3, 0m, 0m, 0m, 100m, KlarnaCountry.DE, PClassType.Campaign, null, 1);

        var quote = InstallmentCalculator.Quote(campaign, 9_999, Today);

        Assert.False(quote.IsAvailable);
        Assert.Equal("only from 100.00", quote.NotAvailable);
    }

    [Fact]
    public void An_expired_pclass_is_not_available()
    {
        var expired = Ratenkauf with { ExpiresOn = new DateOnly(2020, 8, 31) };

        Assert.Equal("expired on 2020-08-31", InstallmentCalculator.Quote(expired, 100_000, Today).NotAvailable);
        Assert.True(InstallmentCalculator.Quote(expired with { ExpiresOn = Today }, 100_000, Today).IsAvailable);
    }

    [Fact]
    public void The_invoice_is_one_payment_of_the_amount_and_its_fee()
    {
        var quote = InstallmentCalculator.Quote(StoredPClass.Invoice(KlarnaCountry.DE), 12_345, Today);

        Assert.Equal(new InstallmentQuote(null, 12_345, null), quote);
    }

    [Fact]
    public void A_negative_amount_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InstallmentCalculator.Quote(Ratenkauf, -1, Today));
    }
}
