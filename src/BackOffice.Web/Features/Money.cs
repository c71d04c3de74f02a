using System.Globalization;

namespace BackOffice.Web.Features;

/// <summary>Money is long minor units everywhere; it becomes text only here, with the currency's ISO 4217 exponent.</summary>
public static class Money
{
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BHD"] = 3, ["CLP"] = 0, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0, ["KRW"] = 0, ["KWD"] = 3, ["OMR"] = 3, ["TND"] = 3, ["VND"] = 0,
    };

    /// <summary>Digits after the decimal point; 2 for every currency not listed as an exception (SEK, NOK, EUR, DKK, ...).</summary>
    public static int Exponent(string currency) => Exponents.GetValueOrDefault(currency, 2);

    public static decimal ToMajor(long minorUnits, string currency) => minorUnits / Scale(currency);

    /// <summary>Major units to minor units; null when the amount has more decimals than the currency.</summary>
    public static long? ToMinor(decimal majorUnits, string currency)
    {
        var minor = majorUnits * Scale(currency);
        return minor == decimal.Truncate(minor) && minor is >= long.MinValue and <= long.MaxValue ? (long)minor : null;
    }

    public static string Format(long minorUnits, string currency, CultureInfo? culture = null) =>
        $"{FormatAmount(minorUnits, currency, culture)} {currency.ToUpperInvariant()}";

    /// <summary>The number alone, for columns whose currency is shown once.</summary>
    public static string FormatAmount(long minorUnits, string currency, CultureInfo? culture = null) =>
        ToMajor(minorUnits, currency).ToString("N" + Exponent(currency).ToString(CultureInfo.InvariantCulture), culture ?? CultureInfo.CurrentCulture);

    private static decimal Scale(string currency) => Exponent(currency) switch
    {
        0 => 1m,
        3 => 1000m,
        _ => 100m,
    };
}
