using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackOffice.Web.Features.Payments;

/// <summary>
/// A payment service, by the key the books, the channel settings and the shop API keep ("Invoice", "KlarnaPayments").
/// The module that offers it declares it in its descriptor; the core knows none by name.
/// </summary>
[JsonConverter(typeof(ServiceKindJsonConverter))]
public readonly record struct ServiceKind : IParsable<ServiceKind>
{
    public const int MaxLength = 20;

    public ServiceKind(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || !key.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException($"A service's key is 1 to {MaxLength} letters or digits, not '{key}'.", nameof(key));
        Key = key;
    }

    public string Key { get; }

    /// <summary>The service's name as staff know it ("Klarna Invoice"), as the module that offers it says.</summary>
    public string Name => PaymentProviders.ServiceOf(this).Name;

    public override string ToString() => Key ?? "";

    public static ServiceKind Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var kind) ? kind : throw new FormatException($"No module offers the service '{s}'.");

    /// <summary>Only a service some module offers, in any case (as enum names parse).</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ServiceKind result)
    {
        result = PaymentProviders.Services.Select(d => d.Kind).FirstOrDefault(k => string.Equals(k.Key, s, StringComparison.OrdinalIgnoreCase));
        return result.Key is not null;
    }
}

/// <summary>A service is its key in JSON; a key no module offers is not one.</summary>
public sealed class ServiceKindJsonConverter : JsonConverter<ServiceKind>
{
    public override ServiceKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ServiceKind.TryParse(reader.GetString(), null, out var kind)
            ? kind
            : throw new JsonException($"The service is one of {string.Join(", ", PaymentProviders.Services.Select(s => s.Kind))}.");

    public override void Write(Utf8JsonWriter writer, ServiceKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.Key);
}
