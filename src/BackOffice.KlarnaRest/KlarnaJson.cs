using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackOffice.KlarnaRest;

/// <summary>Klarna's JSON: snake_case names, absent rather than null, unknown fields ignored.</summary>
public static class KlarnaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new PaymentMethodConverter() },
    };

    /// <summary>Klarna writes a payment method as an object, and in the Payments API's answers also as the bare type ("invoice").</summary>
    private sealed class PaymentMethodConverter : JsonConverter<KlarnaPaymentMethod>
    {
        public override KlarnaPaymentMethod? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
                return new KlarnaPaymentMethod(reader.GetString()!);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            int? Number(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
            return new KlarnaPaymentMethod(Text("type") ?? "", Text("description"), Number("number_of_installments"), Number("number_of_days"));
        }

        public override void Write(Utf8JsonWriter writer, KlarnaPaymentMethod value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("type", value.Type);
            if (value.Description is { } description)
                writer.WriteString("description", description);
            if (value.NumberOfInstallments is { } installments)
                writer.WriteNumber("number_of_installments", installments);
            if (value.NumberOfDays is { } days)
                writer.WriteNumber("number_of_days", days);
            writer.WriteEndObject();
        }
    }
}
