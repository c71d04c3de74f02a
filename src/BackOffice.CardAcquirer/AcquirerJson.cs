using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackOffice.CardAcquirer;

/// <summary>The acquirer API's JSON: snake_case, absent rather than null, statuses in lower case.</summary>
public static class AcquirerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<AcquirerPaymentStatus>(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>Payments found by the merchant's reference, the newest first.</summary>
public sealed record AcquirerPaymentList(IReadOnlyList<AcquirerPayment> Payments);

/// <summary>The acquirer's error body: <c>{"error": {"code", "message"}}</c>.</summary>
public sealed record AcquirerError(string Code, string Message);
