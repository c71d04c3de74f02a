using System.Globalization;
using System.Text.Json.Nodes;

namespace BackOffice.Web.Features;

/// <summary>
/// A text for a person, kept as its key and arguments until it is shown: the key is the English format string
/// (<c>"At most {0} can be captured."</c>), which is also where its translations are found. <see cref="ToString"/>
/// gives the English sentence for logs, exceptions and the audit log's search.
/// </summary>
public sealed record Message(string Key, params object?[] Arguments)
{
    /// <summary>
    /// Equal when they say the same: a record would compare the arguments' array by reference, and a stored message's
    /// arguments come back as text.
    /// </summary>
    public bool Equals(Message? other) => other is not null && Key == other.Key && ToString() == other.ToString();

    public override int GetHashCode() => HashCode.Combine(Key, ToString());

    public override string ToString() => Arguments.Length == 0
        ? Key
        : string.Format(Cultures.Default, Key, [.. Arguments.Select(a => a is Enum e ? EnumTexts.English(e) : a)]);

    /// <summary>Several messages shown as one: "Enabled: False → True; Merchant ID: 1 → 2".</summary>
    public static Message Join(string separator, IReadOnlyList<Message> parts) =>
        new(string.Join(separator, parts.Select((_, i) => $"{{{i}}}")), [.. parts]);

    /// <summary>
    /// The arguments to be stored beside the key, as a JSON array: text (numbers invariant, enums by their English
    /// name) or, for a message within a message, an object with its key and arguments.
    /// </summary>
    public string ArgumentsAsJson() => Stored(this).ToJsonString();

    /// <summary>The message as one JSON text, for a column that held English text before (read back by <see cref="FromJson"/>).</summary>
    public string ToJson() => new JsonObject { ["key"] = Key, ["arguments"] = Stored(this) }.ToJsonString();

    /// <summary>A message stored by <see cref="ToJson"/>; older English text is its own key.</summary>
    public static Message FromJson(string stored) =>
        stored.StartsWith("{\"key\"", StringComparison.Ordinal) && JsonNode.Parse(stored) is JsonObject json
            ? new Message(json["key"]?.GetValue<string>() ?? "", Read(json["arguments"]?.AsArray()))
            : new Message(stored);

    public static Message FromStored(string key, string? argumentsJson) =>
        argumentsJson is null ? new Message(key) : new Message(key, Read(JsonNode.Parse(argumentsJson)?.AsArray()));

    private static JsonArray Stored(Message message) => [.. message.Arguments.Select(a => a switch
    {
        Message inner => new JsonObject { ["key"] = inner.Key, ["arguments"] = Stored(inner) },
        null => JsonValue.Create(""),
        Enum e => JsonValue.Create(EnumTexts.English(e)),
        IFormattable f => JsonValue.Create(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => (JsonNode?)JsonValue.Create(a.ToString() ?? ""),
    })];

    private static object?[] Read(JsonArray? stored) => [.. (stored ?? []).Select(node => node is JsonObject inner
        ? new Message(inner["key"]?.GetValue<string>() ?? "", Read(inner["arguments"]?.AsArray()))
        : (object?)node?.GetValue<string>())];
}

/// <summary>An amount as an argument of a <see cref="Message"/>: written in the culture of whoever reads it.</summary>
public readonly record struct Amount(long MinorUnits, string Currency) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        Money.Format(MinorUnits, Currency, formatProvider as CultureInfo ?? CultureInfo.CurrentCulture);

    public override string ToString() => Money.Format(MinorUnits, Currency, Cultures.Default);
}
