using BackOffice.Klarna;

namespace BackOffice.Web.Features.Klarna.PClasses;

/// <summary>What paying an amount with a PClass costs, in minor units; or why it cannot be used.</summary>
public sealed record InstallmentQuote(long? MonthlyPayment, long TotalCost, Message? NotAvailable)
{
    public bool IsAvailable => NotAvailable is null;
}

/// <summary>
/// The arithmetic of Klarna's own legacy calculation code (the PHP library's <c>Calc</c> class, checkout page), so the
/// figures match what Klarna shows the shopper:
/// <list type="bullet">
/// <item>The start fee is financed with the amount: P = amount + start fee. The payment is the annuity of P over the
/// PClass's months at its yearly rate r (monthly rate r/1200), A = P·p / (1 − (1 + p)^−n), or P / n without interest,
/// plus the invoice fee.</item>
/// <item>The account is then run month by month (Calc::fulpacc): each month adds interest and the invoice fee to the
/// balance and pays the payment, but for an account PClass at least the country's lowest monthly payment and at least
/// 1/24 of the balance plus fee and interest; the month whose balance the payment covers pays the balance and ends it.</item>
/// <item>The monthly cost is the first payment rounded to the cent; the total is the sum of all payments, rounded to
/// 0.10 in DE, AT, NL and FI and to whole units in SE, NO and DK (Calc::pRound).</item>
/// <item>The invoice (type −1) is one payment of amount + invoice fee. A PClass cannot be used below its minimum
/// amount, after it has expired, or for an amount of zero or less.</item>
/// </list>
/// Klarna computes in floating point, so this does too; results are turned into minor units at the end.
/// </summary>
public static class InstallmentCalculator
{
    private const double Accuracy = 0.01;

    public static InstallmentQuote Quote(StoredPClass pclass, long amount, DateOnly today)
    {
        var currency = KlarnaMarkets.Find(pclass.Country)?.Currency.ToString() ?? "EUR";
        if (amount <= 0)
            return new InstallmentQuote(null, 0, new Message("Enter an amount above zero."));
        var invoiceFee = pclass.InvoiceFee;
        if (pclass.Type == PClassType.Invoice)
            return new InstallmentQuote(null, checked(amount + Minor(invoiceFee)), null);
        if (pclass.IsExpired(today))
            return new InstallmentQuote(null, 0, new Message("expired on {0}", DisplayTime.Date(pclass.ExpiresOn!.Value)));
        if (amount < Minor(pclass.MinAmount))
            return new InstallmentQuote(null, 0, new Message("only from {0}", new Amount(Minor(pclass.MinAmount), currency)));
        if (pclass.Months <= 0)
            return new InstallmentQuote(null, 0, new Message("has no months to pay in"));

        var payments = Payments(pclass, amount / 100.0);
        var monthly = Math.Round((decimal)payments[0], 2, MidpointRounding.AwayFromZero);
        var total = CountryRound(payments.Sum(), pclass.Country);
        return new InstallmentQuote(Minor(monthly), Minor((decimal)total), null);
    }

    /// <summary>Calc::getPayArray for the checkout page: every monthly payment, in major units.</summary>
    public static IReadOnlyList<double> Payments(StoredPClass pclass, double amount)
    {
        var fee = (double)pclass.InvoiceFee;
        var rate = (double)pclass.InterestRate;
        var principal = amount + (double)pclass.StartFee;
        var isAccount = pclass.Type == PClassType.Account;
        var lowest = isAccount ? LowestMonthlyPayment(pclass.Country) : 0;
        var payment = Annuity(principal, pclass.Months, rate) + fee;

        var balance = principal;
        var payments = new List<double>();
        for (var months = pclass.Months; months != 0 && balance > Accuracy; months--)
        {
            var interest = balance * rate / (100.0 * 12);
            var owed = balance + interest + fee;
            if (lowest >= owed || payment >= owed)
            {
                payments.Add(owed);
                break;
            }
            var paid = Math.Max(payment, lowest);
            if (isAccount)
                paid = Math.Max(paid, balance / 24.0 + fee + interest);
            balance = owed - paid;
            payments.Add(paid);
        }
        return payments;
    }

    /// <summary>Calc::getLowestPaymentForAccount.</summary>
    public static double LowestMonthlyPayment(KlarnaCountry country) => country switch
    {
        KlarnaCountry.SE => 50.0,
        KlarnaCountry.NO => 95.0,
        KlarnaCountry.FI => 8.95,
        KlarnaCountry.DK => 89.0,
        KlarnaCountry.DE or KlarnaCountry.AT => 6.95,
        _ => 5.0,
    };

    private static double Annuity(double principal, int months, double rate)
    {
        if (months == 0)
            return principal;
        if (rate == 0)
            return principal / months;
        var p = rate / (100.0 * 12);
        return principal * p / (1 - Math.Pow(1 + p, -months));
    }

    /// <summary>Calc::pRound: to 0.10 where Klarna shows tenths, else to whole units.</summary>
    private static double CountryRound(double value, KlarnaCountry country)
    {
        var multiply = country is KlarnaCountry.FI or KlarnaCountry.DE or KlarnaCountry.NL or KlarnaCountry.AT ? 10 : 1;
        return Math.Floor(value * multiply + 0.5) / multiply;
    }

    private static long Minor(decimal major) => (long)Math.Round(major * 100, MidpointRounding.AwayFromZero);
}
