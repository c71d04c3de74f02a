namespace BackOffice.KlarnaRest;

/// <summary>Klarna's tax arithmetic: rates carry two implied decimals (2500 = 25 %), amounts include tax.</summary>
public static class KlarnaTax
{
    /// <summary>The tax in a line's total, as Klarna computes it: total − total × 10000 / (10000 + rate), to the nearest minor unit.</summary>
    public static long Of(long totalAmount, int taxRate) =>
        totalAmount - (long)Math.Round(totalAmount * 10000m / (10000 + taxRate), MidpointRounding.AwayFromZero);

    /// <summary>Whether a line's tax is the one Klarna computes, give or take one minor unit.</summary>
    public static bool Agrees(long totalAmount, int taxRate, long totalTaxAmount) => Math.Abs(totalTaxAmount - Of(totalAmount, taxRate)) <= 1;

    /// <summary>A rate in percent (19, 7.5) as Klarna writes it (1900, 750).</summary>
    public static int Rate(decimal percent) => (int)Math.Round(percent * 100, MidpointRounding.AwayFromZero);
}
