using System.Globalization;

namespace BackOffice.Klarna.XmlRpc;

/// <summary>Typed reads of decoded XML-RPC values, failing with a message that names what was expected.</summary>
public static class XmlRpcConvert
{
    /// <summary>An int, or a string holding one (Klarna sends some numbers, such as countries, as either).</summary>
    public static int ToInt32(object value) => value switch
    {
        int number => number,
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

    public static IReadOnlyList<object> ToArray(object value) => value as IReadOnlyList<object>
        ?? throw new XmlRpcFormatException($"Expected an array but got {Describe(value)}.");

    /// <summary>A struct; PHP clients send an empty optional struct as an empty array.</summary>
    public static IReadOnlyDictionary<string, object> ToStruct(object value) => value switch
    {
        Dictionary<string, object> members => members,
        IReadOnlyList<object> { Count: 0 } => new Dictionary<string, object>(),
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
