namespace BackOffice.Computop;

/// <summary>
/// Paygate's <c>Key=Value&amp;Key=Value</c>: values are not URL-encoded, so none may contain <c>&amp;</c>; a pair splits at
/// its first <c>=</c> (Base64 values end in <c>=</c>); keys are read in any case.
/// </summary>
public static class PaygateFields
{
    public static string Write(IEnumerable<KeyValuePair<string, string>> fields) => string.Join("&", fields.Select(f =>
        f.Value.Contains('&', StringComparison.Ordinal) || f.Key.Contains('=', StringComparison.Ordinal)
            ? throw new ArgumentException($"{f.Key} cannot be sent to Paygate: its value holds '&'.", nameof(fields))
            : $"{f.Key}={f.Value}"));

    public static IReadOnlyDictionary<string, string> Read(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                fields[pair[..equals].Trim()] = pair[(equals + 1)..];
        }
        return fields;
    }
}
