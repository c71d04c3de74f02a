using BackOffice.Klarna;

namespace BackOffice.Web.Features.PClasses;

/// <summary>What paying an amount with a PClass costs, in minor units; or why it cannot be used.</summary>
public sealed record InstallmentQuote(long? MonthlyPayment, long TotalCost, string? NotAvailable)
{
    public bool IsAvailable => NotAvailable is null;
}

/// <summary>
/// The legacy Klarna library's cost rules, in decimal arithmetic and minor units (Klarna's currencies all have two
/// decimals):
/// <list type="bullet">
/// <item>Invoice (type −1): one payment within 14 days of amount + invoice fee.</item>
/// <item>Otherwise the start fee is financed with the amount, P = amount + start fee, at the monthly rate
/// r = interest rate / 12 / 100 over n months. The annuity is A = P·r / (1 − (1 + r)^−n), or P / n without
/// interest. Each monthly invoice adds the invoice fee: monthly payment = A + invoice fee, rounded to the minor
/// unit (half away from zero), and the total cost is monthly payment × n.</item>
/// <item>A PClass cannot be used below its minimum amount, nor after it has expired.</item>
/// </list>
/// </summary>
public static class InstallmentCalculator
{
    public static InstallmentQuote Quote(StoredPClass pclass, long amount, DateOnly today)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var invoiceFee = Minor(pclass.InvoiceFee);
        if (pclass.Type == PClassType.Invoice)
            return new InstallmentQuote(null, checked(amount + invoiceFee), null);
        if (pclass.IsExpired(today))
            return new InstallmentQuote(null, 0, $"expired on {pclass.ExpiresOn:yyyy-MM-dd}");
        if (amount < Minor(pclass.MinAmount))
            return new InstallmentQuote(null, 0, $"only from {pclass.MinAmount:0.00}");
        if (pclass.Months <= 0)
            return new InstallmentQuote(null, 0, "has no months to pay in");

        decimal principal = checked(amount + Minor(pclass.StartFee));
        var months = pclass.Months;
        var rate = pclass.InterestRate / 100m / 12m;
        var annuity = rate == 0 ? principal / months : principal * rate / (1 - 1 / Power(1 + rate, months));
        var monthly = (long)Math.Round(annuity + invoiceFee, MidpointRounding.AwayFromZero);
        return new InstallmentQuote(monthly, checked(monthly * months), null);
    }

    private static long Minor(decimal major) => (long)Math.Round(major * 100, MidpointRounding.AwayFromZero);

    private static decimal Power(decimal value, int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
            result *= value;
        return result;
    }
}
