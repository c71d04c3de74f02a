using System.Globalization;

namespace BackOffice.Klarna.XmlRpc;

/// <summary>Typed reads of decoded XML-RPC values, failing with a message that names what was expected.</summary>
public static class XmlRpcConvert
{
    /// <summary>
    /// An int, or a string holding one (Klarna sends some numbers, such as countries, as either), or a whole double
    /// (Ruby's client sends prices as <c>1.00 * 100</c>).
    /// </summary>
    public static int ToInt32(object value) => value switch
    {
        int number => number,
        double number when number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue => (int)number,
        string text when int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => throw new XmlRpcFormatException($"Expected an integer but got {Describe(value)}."),
    };

    public static string ToText(object value) => value switch
    {
        string text => text,
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => throw new XmlRpcFormatException($"Expected a string but got {Describe(value)}."),
    };

    public static double ToDouble(object value) => value switch
    {
        double number => number,
        int number => number,
        _ => throw new XmlRpcFormatException($"Expected a number but got {Describe(value)}."),
    };

    /// <summary>
    /// An array. PHP's encoder cannot tell an empty list from an empty map and writes <c>&lt;struct/&gt;</c>, and
    /// writes an absent one (null) as the empty string: both are the empty list.
    /// </summary>
    public static IReadOnlyList<object> ToArray(object value) => value switch
    {
        IReadOnlyList<object> items => items,
        IReadOnlyDictionary<string, object> { Count: 0 } or "" => [],
        _ => throw new XmlRpcFormatException($"Expected an array but got {Describe(value)}."),
    };

    /// <summary>A struct; PHP clients send an empty optional struct as an empty array, and an absent one as the empty string.</summary>
    public static IReadOnlyDictionary<string, object> ToStruct(object value) => value switch
    {
        Dictionary<string, object> members => members,
        IReadOnlyList<object> { Count: 0 } or "" => new Dictionary<string, object>(),
        _ => throw new XmlRpcFormatException($"Expected a struct but got {Describe(value)}."),
    };

    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        string text => $"the string '{text}'",
        IReadOnlyDictionary<string, object> => "a struct",
        IReadOnlyList<object> => "an array",
        _ => $"the {value.GetType().Name} {value}",
    };
}
