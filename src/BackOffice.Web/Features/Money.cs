using System.Collections.Concurrent;
using System.Globalization;

namespace BackOffice.Web.Features;

/// <summary>
/// Money at the edge: minor units (ISO 4217 exponent) turned into text in the user's culture, and what a user types
/// read back. Everywhere else money is <c>long</c> minor units.
/// </summary>
public static class Money
{
    private const char NoBreakSpace = '\u00A0';

    private static readonly Dictionary<string, int> Exponents = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BHD"] = 3, ["CLP"] = 0, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0, ["KRW"] = 0, ["KWD"] = 3, ["OMR"] = 3, ["TND"] = 3, ["VND"] = 0,
    };

    private static readonly ConcurrentDictionary<string, string?> CultureCurrencies = new(StringComparer.Ordinal);

    private static readonly HashSet<string> IsoCurrencies = [.. CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => CurrencyOf(c.Name)).OfType<string>().Where(c => c.Length == 3)];

    /// <summary>Digits after the decimal point; 2 for every currency not listed as an exception (SEK, NOK, EUR, DKK, ...).</summary>
    public static int Exponent(string currency) => Exponents.GetValueOrDefault(currency, 2);

    public static bool IsKnownCurrency(string currency) => IsoCurrencies.Contains(currency) || Exponents.ContainsKey(currency);

    public static decimal ToMajor(long minorUnits, string currency) => minorUnits / Scale(currency);

    /// <summary>Major units to minor units; null when the amount has more decimals than the currency.</summary>
    public static long? ToMinor(decimal majorUnits, string currency)
    {
        var minor = majorUnits * Scale(currency);
        return minor == decimal.Truncate(minor) && minor is >= long.MinValue and <= long.MaxValue ? (long)minor : null;
    }

    /// <summary>
    /// The amount with its currency as the culture writes it: the culture's own symbol for its own currency
    /// (<c>1.299,00 €</c> in German), otherwise the ISO code (<c>EUR 1,299.00</c> in English).
    /// </summary>
    public static string Format(long minorUnits, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var code = currency.ToUpperInvariant();
        var number = FormatAmount(Math.Abs(minorUnits), code, culture);
        var ownSymbol = CurrencyOf(culture.Name) == code;
        var symbol = ownSymbol ? culture.NumberFormat.CurrencySymbol : code;
        var text = culture.NumberFormat.CurrencyPositivePattern switch
        {
            0 when ownSymbol => symbol + number,
            1 when ownSymbol => number + symbol,
            0 or 2 => symbol + NoBreakSpace + number,
            _ => number + NoBreakSpace + symbol,
        };
        return minorUnits < 0 ? culture.NumberFormat.NegativeSign + text : text;
    }

    /// <summary>The number alone, for columns whose currency is shown once.</summary>
    public static string FormatAmount(long minorUnits, string currency, CultureInfo? culture = null) =>
        ToMajor(minorUnits, currency).ToString("N" + Exponent(currency).ToString(CultureInfo.InvariantCulture), culture ?? CultureInfo.CurrentCulture);

    /// <summary>
    /// Reads an amount typed in major units in the user's culture (<c>1.234,50</c> in German, <c>1,234.50</c> in
    /// English). Answers minor units, or why the text is not an amount; a text two cultures would read differently
    /// (<c>1.234</c>) is refused, never guessed.
    /// </summary>
    public static (long? Minor, Message? Error) Parse(string? text, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var format = culture.NumberFormat;
        var (decimals, groups) = (format.NumberDecimalSeparator, format.NumberGroupSeparator);
        var exponent = Exponent(currency);
        var example = FormatAmount(123_450 * (long)Math.Pow(10, exponent) / 100, currency, culture);
        var value = Strip(text ?? "", currency, culture);
        if (value.Length == 0)
            return (null, new Message("Enter an amount."));
        if (value.StartsWith(format.NegativeSign, StringComparison.Ordinal) || value.StartsWith('-'))
            return (null, new Message("Enter an amount above zero."));
        if (value.Any(c => !char.IsAsciiDigit(c) && !decimals.Contains(c, StringComparison.Ordinal) && !groups.Contains(c, StringComparison.Ordinal)))
            return (null, new Message("'{0}' is not an amount; write it like {1}.", text, example));

        var parts = value.Split(decimals);
        if (parts.Length > 2)
            return (null, new Message("'{0}' has more than one decimal separator ('{1}'); write it like {2}.", text, decimals, example));
        var (whole, fraction) = (parts[0], parts.Length == 2 ? parts[1] : "");
        if (fraction.Contains(groups, StringComparison.Ordinal))
            return (null, new Message("'{0}' is not an amount; write it like {1}.", text, example));
        var groupsOfWhole = whole.Split(groups);
        if (groupsOfWhole.Length > 1)
        {
            var wellGrouped = groupsOfWhole[0].Length is >= 1 and <= 3 && groupsOfWhole.Skip(1).All(g => g.Length == 3);
            if (!wellGrouped)
                return (null, new Message("'{0}' is not an amount here: decimals are written after '{1}', thousands are grouped with '{2}'; write it like {3}.", text, decimals, groups, example));
            if (parts.Length == 1 && groupsOfWhole.Length == 2 && exponent > 0)
                return (null, new Message("'{0}' could be read two ways: write {1} without a separator, or with decimals like {2}.", text, string.Concat(groupsOfWhole), example));
        }
        if (fraction.Length > exponent)
            return (null, exponent == 0 ? new Message("{0} has no decimals.", currency) : new Message("{0} has at most {1} decimals.", currency, exponent));
        var digits = string.Concat(groupsOfWhole) + fraction.PadRight(exponent, '0');
        if (digits.Length == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            return (null, new Message("'{0}' is not an amount; write it like {1}.", text, example));
        return (minor, null);
    }

    /// <summary>Spaces and the currency itself (its code or the culture's symbol) around the number are allowed.</summary>
    private static string Strip(string text, string currency, CultureInfo culture)
    {
        var value = text.Trim().Replace(NoBreakSpace, ' ');
        foreach (var mark in new[] { currency.ToUpperInvariant(), culture.NumberFormat.CurrencySymbol })
        {
            if (mark.Length == 0)
                continue;
            if (value.StartsWith(mark, StringComparison.OrdinalIgnoreCase))
                value = value[mark.Length..];
            else if (value.EndsWith(mark, StringComparison.OrdinalIgnoreCase))
                value = value[..^mark.Length];
            value = value.Trim();
        }
        return value;
    }

    /// <summary>The currency of the culture's country (de → EUR), or null for the invariant culture.</summary>
    private static string? CurrencyOf(string cultureName) => CultureCurrencies.GetOrAdd(cultureName, static name =>
    {
        try
        {
            return name.Length == 0 ? null : new RegionInfo(CultureInfo.CreateSpecificCulture(name).Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    });

    private static decimal Scale(string currency) => Exponent(currency) switch
    {
        0 => 1m,
        3 => 1000m,
        _ => 100m,
    };
}
