using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackOffice.ECommPay;

/// <summary>
/// ECommPay's Gate for the Klarna (Sofort) method: refunds and status requests, JSON signed in <c>general</c>
/// (PROTOCOL.md §1–3), and the signed address of the payment page a shop sends its customer to.
/// </summary>
public sealed class ECommPayClient(HttpClient http)
{
    public const string RefundPath = "v2/payment/online-banking/sofort/refund";
    public const string StatusPath = "v2/payment/status";
    public const int DescriptionMaxLength = 255;

    /// <summary>Asks for a refund; answers ECommPay's request id. Accepted is not refunded: the callback or a status answer decides.</summary>
    public async Task<ECommPayRefundAccepted> RefundAsync(ECommPayProject project, ECommPayRefund refund, CancellationToken cancellationToken = default)
    {
        if (RefundError(refund) is { } error)
            throw new ArgumentException(error, nameof(refund));
        var general = new JsonObject { ["project_id"] = project.ProjectId, ["payment_id"] = refund.PaymentId };
        if (refund.CallbackUrl is not null)
            general["merchant_callback_url"] = refund.CallbackUrl.ToString();
        var payment = new JsonObject { ["description"] = refund.Description, ["merchant_refund_id"] = refund.MerchantRefundId };
        if (refund.Amount is { } amount)
            (payment["amount"], payment["currency"]) = (amount, refund.Currency!.ToUpperInvariant());
        var body = new JsonObject { ["general"] = general, ["customer"] = new JsonObject { ["ip_address"] = refund.CustomerIp }, ["payment"] = payment };

        using var answer = await SendAsync(project, RefundPath, body, "refund", unknownOnFailure: true, cancellationToken);
        var root = answer.RootElement;
        if (Text(root, "request_id") is not { Length: > 0 } requestId)
            throw new ECommPayOutcomeUnknownException("refund", "the answer carried no request_id");
        return new ECommPayRefundAccepted(requestId, Text(root, "payment_id") ?? refund.PaymentId);
    }

    /// <summary>A payment with its operations (the sale, each refund), from a signed answer.</summary>
    public async Task<ECommPayPayment> StatusAsync(ECommPayProject project, string paymentId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["general"] = new JsonObject { ["project_id"] = project.ProjectId, ["payment_id"] = paymentId } };
        using var answer = await SendAsync(project, StatusPath, body, "status", unknownOnFailure: false, cancellationToken);
        if (!ECommPaySignature.Verify(answer.RootElement, project.SecretKey))
            throw new ECommPayUnavailableException("status", "the answer's signature is wrong, so it is not believed");
        return ReadPayment(answer.RootElement);
    }

    /// <summary>The signed payment page address for a Sofort purchase (<c>force_payment_method=sofort</c>).</summary>
    public static Uri PaymentPageUrl(Uri paymentPage, ECommPayProject project, ECommPayPurchase purchase)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["project_id"] = project.ProjectId.ToString(CultureInfo.InvariantCulture),
            ["payment_id"] = purchase.PaymentId,
            ["payment_amount"] = purchase.Amount.ToString(CultureInfo.InvariantCulture),
            ["payment_currency"] = purchase.Currency.ToUpperInvariant(),
            ["customer_id"] = purchase.CustomerId,
            ["force_payment_method"] = "sofort",
        };
        foreach (var (key, value) in new[] { ("payment_description", purchase.Description), ("language_code", purchase.LanguageCode), ("customer_email", purchase.CustomerEmail), ("customer_first_name", purchase.CustomerFirstName),
                     ("customer_last_name", purchase.CustomerLastName), ("customer_country", purchase.CustomerCountry), ("merchant_callback_url", purchase.CallbackUrl?.ToString()) })
        {
            if (value is { Length: > 0 })
                fields[key] = value;
        }
        var signed = new JsonObject();
        foreach (var (key, value) in fields)
            signed[key] = value;
        fields["signature"] = ECommPaySignature.Sign(JsonSerializer.SerializeToElement(signed), project.SecretKey);
        var query = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        return new Uri(paymentPage, $"payment?{query}");
    }

    /// <summary>Why a refund cannot be sent as it is, or null (ECommPay's signature string takes no <c>;</c> in a description).</summary>
    public static string? RefundError(ECommPayRefund refund) =>
        string.IsNullOrWhiteSpace(refund.PaymentId) ? "A refund names the purchase's payment_id."
        : string.IsNullOrWhiteSpace(refund.Description) || refund.Description.Length > DescriptionMaxLength ? $"A refund's description has 1 to {DescriptionMaxLength} characters."
        : refund.Description.Contains(';', StringComparison.Ordinal) ? "A refund's description cannot contain ';'."
        : string.IsNullOrWhiteSpace(refund.CustomerIp) ? "A refund carries the operator's IP address."
        : refund.Amount is < 1 ? "A part refund is at least 1 minor unit."
        : refund.Amount is not null && refund.Currency is not { Length: 3 } ? "A part refund names its currency."
        : null;

    /// <summary>A payment as a status answer or a callback has it (<c>payment</c>, <c>operation</c> or <c>operations[]</c>).</summary>
    public static ECommPayPayment ReadPayment(JsonElement root)
    {
        var payment = root.TryGetProperty("payment", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var operations = new List<ECommPayOperation>();
        if (root.TryGetProperty("operations", out var many) && many.ValueKind == JsonValueKind.Array)
            operations.AddRange(many.EnumerateArray().Select(ReadOperation));
        if (root.TryGetProperty("operation", out var one) && one.ValueKind == JsonValueKind.Object)
            operations.Add(ReadOperation(one));
        return new ECommPayPayment(Number(root, "project_id") ?? 0, Text(payment, "id") ?? "", Text(payment, "status") ?? "", Text(payment, "method"),
            Sum(payment, "sum"), operations);
    }

    private static ECommPayOperation ReadOperation(JsonElement operation) => new(
        Number(operation, "id") ?? 0, Text(operation, "type") ?? "", Text(operation, "status") ?? "", Text(operation, "request_id"), Text(operation, "merchant_refund_id"),
        Sum(operation, "sum_initial"), Text(operation, "code"), Text(operation, "message"), Date(Text(operation, "date")));

    private async Task<JsonDocument> SendAsync(ECommPayProject project, string path, JsonObject body, string operation, bool unknownOnFailure, CancellationToken cancellationToken)
    {
        var general = body["general"]!.AsObject();
        general["signature"] = ECommPaySignature.Sign(JsonSerializer.SerializeToElement(body), project.SecretKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(project.BaseAddress, path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        ECommPayException Lost(string reason, Exception? inner = null) =>
            unknownOnFailure ? new ECommPayOutcomeUnknownException(operation, reason, inner) : new ECommPayUnavailableException(operation, reason, inner);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            // Not connected: the request never reached ECommPay.
            throw new ECommPayUnavailableException(operation, e.Message, e);
        }
        catch (HttpRequestException e)
        {
            throw Lost(e.Message, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Lost("no answer in time", e);
        }
        using (response)
        {
            JsonDocument? answer = null;
            try
            {
                answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                answer?.Dispose();
                throw Lost($"HTTP {(int)response.StatusCode} without an answer that can be read");
            }
            var root = answer.RootElement;
            if (Text(root, "status") == "error" || !response.IsSuccessStatusCode && Text(root, "code") is not null)
            {
                var refused = new ECommPayRefusedException(Text(root, "code") ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Text(root, "message") ?? response.ReasonPhrase ?? "");
                answer.Dispose();
                throw refused;
            }
            if (!response.IsSuccessStatusCode)
            {
                answer.Dispose();
                throw Lost($"HTTP {(int)response.StatusCode}");
            }
            return answer;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String => value.GetString(), JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;

    private static long? Number(JsonElement element, string name) =>
        long.TryParse(Text(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static ECommPaySum? Sum(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var sum) && Number(sum, "amount") is { } amount
            ? new ECommPaySum(amount, Text(sum, "currency") ?? "")
            : null;

    /// <summary>ECommPay's times: <c>2019-02-19T14:25:24+0000</c> (an offset without a colon).</summary>
    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text is { Length: 24 } && text[19] is '+' or '-' ? text.Insert(22, ":") : text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;
}
