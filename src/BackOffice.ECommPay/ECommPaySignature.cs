using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BackOffice.ECommPay;

/// <summary>
/// ECommPay's signature of requests, callbacks and signed responses (PROTOCOL.md §2): every leaf but the signature
/// itself and <c>frame_mode</c>, flattened to <c>path:value</c> (a <c>:</c> in a key doubled, array items numbered,
/// numbers in their JSON text, true 1, false 0, null empty, empty arrays and objects nothing), sorted by path
/// ordinally, joined with <c>;</c>, and signed with HMAC-SHA512 of the project's secret key, in Base64.
/// </summary>
public static class ECommPaySignature
{
    private const string SignatureKey = "signature";
    private const string GeneralKey = "general";

    /// <summary>The signature of a message; a signature it carries already is left out.</summary>
    public static string Sign(JsonElement message, string secretKey) =>
        Convert.ToBase64String(HMACSHA512.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(ParamsToSign(message))));

    /// <summary>Whether the message carries the signature its content has under the key (top-level or in <c>general</c>), compared in fixed time.</summary>
    public static bool Verify(JsonElement message, string secretKey) =>
        CarriedSignature(message) is { } carried
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(carried), Encoding.ASCII.GetBytes(Sign(message, secretKey)));

    /// <summary>The signature the message carries: top-level in a callback, in <c>general</c> in a request.</summary>
    public static string? CarriedSignature(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
            return null;
        if (message.TryGetProperty(SignatureKey, out var top) && top.ValueKind == JsonValueKind.String)
            return top.GetString();
        return message.TryGetProperty(GeneralKey, out var general) && general.ValueKind == JsonValueKind.Object
            && general.TryGetProperty(SignatureKey, out var inner) && inner.ValueKind == JsonValueKind.String ? inner.GetString() : null;
    }

    /// <summary>The text that is signed, e.g. <c>payment:id:X03936;project_id:239</c>.</summary>
    internal static string ParamsToSign(JsonElement message)
    {
        var items = new List<(string Path, string Value)>();
        Flatten(message, "", depth: 0, parent: null, items);
        items.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return string.Join(";", items.Select(i => $"{i.Path}:{i.Value}"));
    }

    private static void Flatten(JsonElement element, string path, int depth, string? parent, List<(string, string)> items)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsLeftOut(property.Name, depth, parent))
                        continue;
                    Flatten(property.Value, Join(path, property.Name.Replace(":", "::", StringComparison.Ordinal)), depth + 1, property.Name, items);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    Flatten(item, Join(path, (index++).ToString(System.Globalization.CultureInfo.InvariantCulture)), depth + 1, null, items);
                break;
            case JsonValueKind.String:
                items.Add((path, element.GetString()!));
                break;
            case JsonValueKind.Number:
                items.Add((path, element.GetRawText()));
                break;
            case JsonValueKind.True:
                items.Add((path, "1"));
                break;
            case JsonValueKind.False:
                items.Add((path, "0"));
                break;
            default:
                items.Add((path, ""));
                break;
        }
    }

    /// <summary>The signature (top-level, or in <c>general</c>) and <c>frame_mode</c> anywhere.</summary>
    private static bool IsLeftOut(string name, int depth, string? parent) =>
        name == "frame_mode" || name == SignatureKey && (depth == 0 || depth == 1 && parent == GeneralKey);

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}:{key}";
}
