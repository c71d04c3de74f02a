using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace BackOffice.CardAcquirer;

/// <summary>
/// The acquirer API the card acquirer sandbox speaks (its README): JSON over HTTPS, a Bearer API key, an
/// <c>Idempotency-Key</c> on every call that changes money, payments found by the merchant's reference. The card goes
/// out in a pinned buffer that is cleared once the request is sent.
/// </summary>
public sealed class SandboxCardAcquirer(HttpClient http, Uri baseAddress, string apiKey) : ICardAcquirer
{
    public async Task<AcquirerPayment> AuthorizeAsync(AcquirerCharge charge, CardToCharge card, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var body = new PinnedBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("reference", charge.MerchantReference);
            writer.WriteNumber("amount", charge.Amount);
            writer.WriteString("currency", charge.Currency);
            writer.WriteStartObject("card");
            writer.WriteString("number", card.Number.Span);
            writer.WriteNumber("expiry_month", card.ExpiryMonth);
            writer.WriteNumber("expiry_year", card.ExpiryYear);
            writer.WriteString("cvc", card.SecurityCode.Span);
            if (card.Holder is { } holder)
                writer.WriteString("holder_name", holder);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        var content = new ByteArrayContent(body.Buffer, 0, body.WrittenCount);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(HttpMethod.Post, "v1/payments", content, idempotencyKey, "authorize", cancellationToken);
    }

    public Task<AcquirerPayment> CaptureAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/payments/{Uri.EscapeDataString(paymentId)}/captures", JsonContent.Create(new { amount }, options: AcquirerJson.Options), idempotencyKey, "capture", cancellationToken);

    public Task<AcquirerPayment> RefundAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/payments/{Uri.EscapeDataString(paymentId)}/refunds", JsonContent.Create(new { amount }, options: AcquirerJson.Options), idempotencyKey, "refund", cancellationToken);

    public Task<AcquirerPayment> VoidAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/payments/{Uri.EscapeDataString(paymentId)}/void", null, idempotencyKey, "void", cancellationToken);

    public Task<AcquirerPayment> GetAsync(string paymentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/payments/{Uri.EscapeDataString(paymentId)}", null, null, "get payment", cancellationToken);

    public async Task<AcquirerPayment?> FindAsync(string merchantReference, CancellationToken cancellationToken = default)
    {
        using var response = await ExchangeAsync(HttpMethod.Get, $"v1/payments?reference={Uri.EscapeDataString(merchantReference)}", null, null, "find payment", cancellationToken);
        return (await ReadAsync<AcquirerPaymentList>(response, "find payment", writes: false, cancellationToken)).Payments.FirstOrDefault();
    }

    private async Task<AcquirerPayment> SendAsync(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, string operation,
        CancellationToken cancellationToken)
    {
        using var response = await ExchangeAsync(method, path, content, idempotencyKey, operation, cancellationToken);
        return await ReadAsync<AcquirerPayment>(response, operation, writes: idempotencyKey is not null, cancellationToken);
    }

    private async Task<HttpResponseMessage> ExchangeAsync(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, string operation, CancellationToken cancellationToken)
    {
        var writes = idempotencyKey is not null;
        using var request = new HttpRequestMessage(method, new Uri(baseAddress, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            throw new AcquirerUnavailableException(operation, e.Message, e);
        }
        catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw writes ? new AcquirerOutcomeUnknownException(operation, e.Message, e) : new AcquirerUnavailableException(operation, e.Message, e);
        }
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.PaymentRequired)
            return response;
        using (response)
        {
            var error = await ErrorAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            if (status >= 500 || status is 408 or 409 or 429)
            {
                var reason = $"the acquirer answered {status} {error.Code}: {error.Message}";
                throw writes ? new AcquirerOutcomeUnknownException(operation, reason) : new AcquirerUnavailableException(operation, reason);
            }
            throw new AcquirerRefusedException(status, error.Code, error.Message);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, bool writes, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(AcquirerJson.Options, cancellationToken) ?? throw new JsonException("The answer is empty.");
        }
        catch (JsonException e)
        {
            var reason = $"the answer cannot be read: {e.Message}";
            throw writes ? new AcquirerOutcomeUnknownException(operation, reason, e) : new AcquirerUnavailableException(operation, reason, e);
        }
    }

    private static async Task<AcquirerError> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (await response.Content.ReadFromJsonAsync<ErrorBody>(AcquirerJson.Options, cancellationToken) is { Error: { } error })
                return error;
        }
        catch (JsonException)
        {
            // Not the acquirer's error body (a proxy's page): the status speaks for it.
        }
        return new AcquirerError($"http_{(int)response.StatusCode}", response.ReasonPhrase ?? "");
    }

    private sealed record ErrorBody(AcquirerError? Error);

    /// <summary>A fixed, pinned buffer for a request that carries a card: the GC never copies it, and it is cleared after use.</summary>
    private sealed class PinnedBufferWriter(int capacity) : IBufferWriter<byte>, IDisposable
    {
        public byte[] Buffer { get; } = GC.AllocateArray<byte>(capacity, pinned: true);

        public int WrittenCount { get; private set; }

        public void Advance(int count) => WrittenCount += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Buffer.AsMemory(Free(sizeHint));

        public Span<byte> GetSpan(int sizeHint = 0) => Buffer.AsSpan(Free(sizeHint));

        public void Dispose() => CryptographicOperations.ZeroMemory(Buffer);

        private int Free(int sizeHint) => Buffer.Length - WrittenCount >= Math.Max(sizeHint, 1)
            ? WrittenCount
            : throw new InvalidOperationException("The card request outgrew its buffer.");
    }
}
