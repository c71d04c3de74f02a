using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BackOffice.KlarnaRest;

/// <summary>
/// Klarna's REST platform for one merchant per call: the Payments API (sessions, orders from an authorization), Order
/// Management (read, capture, refund, cancel, release, extend, update), the Settlements API (payouts) and the Merchant
/// Card Service (virtual cards for an order). Every call
/// that changes an order carries the caller's <c>Klarna-Idempotency-Key</c>; its failures are told apart as Klarna
/// refusing (<see cref="KlarnaRestRefusedException"/>), Klarna not reached or doing nothing
/// (<see cref="KlarnaRestUnavailableException"/>) and an outcome not known (<see cref="KlarnaRestOutcomeUnknownException"/>).
/// A rate limit is waited out as Klarna's <c>X-Ratelimit-Reset</c> says, up to <see cref="RateLimitPatience"/>.
/// The <see cref="HttpClient"/> carries the timeout; the address comes with the credentials.
/// </summary>
public sealed class KlarnaRestClient(HttpClient http, TimeProvider time)
{
    public static readonly TimeSpan RateLimitPatience = TimeSpan.FromSeconds(10);

    private const string IdempotencyHeader = "Klarna-Idempotency-Key";

    // Payments API

    public Task<KlarnaSession> CreateSessionAsync(KlarnaRestCredentials credentials, KlarnaPurchase purchase, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaSession>(HttpMethod.Post, credentials, "payments/v1/sessions", purchase, "create session", cancellationToken);

    /// <summary>
    /// Places the order the customer authorized; the cart must be the one authorized. Klarna places one order per
    /// authorization token, so the same token and cart sent again answer the same order.
    /// </summary>
    public async Task<KlarnaPlacedOrder> PlaceOrderAsync(KlarnaRestCredentials credentials, string authorizationToken, KlarnaPurchase purchase, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, credentials, $"payments/v1/authorizations/{Escape(authorizationToken)}/order", purchase, null, "place order", writes: true, cancellationToken);
        return await BodyAsync<KlarnaPlacedOrder>(response, "place order", writes: true, cancellationToken);
    }

    public Task CancelAuthorizationAsync(KlarnaRestCredentials credentials, string authorizationToken, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Delete, credentials, $"payments/v1/authorizations/{Escape(authorizationToken)}", null, null, "cancel authorization", cancellationToken);

    /// <summary>
    /// The customer token of an authorization whose session tokenizes; for <c>buy_and_tokenize</c> the same
    /// authorization then places the first order.
    /// </summary>
    public async Task<KlarnaCustomerTokenCreated> CreateCustomerTokenAsync(KlarnaRestCredentials credentials, string authorizationToken, KlarnaCustomerTokenRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, credentials, $"payments/v1/authorizations/{Escape(authorizationToken)}/customer-token", request, null, "create customer token", writes: true, cancellationToken);
        return await BodyAsync<KlarnaCustomerTokenCreated>(response, "create customer token", writes: true, cancellationToken);
    }

    public Task<KlarnaCustomerToken> GetCustomerTokenAsync(KlarnaRestCredentials credentials, string customerToken, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaCustomerToken>(HttpMethod.Get, credentials, $"customer-token/v1/tokens/{Escape(customerToken)}", null, "get customer token", cancellationToken);

    /// <summary>
    /// Charges the token with an order. The key makes a repeat answer the first outcome (a refusal too), so a charge
    /// tried again after a known refusal needs a new key.
    /// </summary>
    public async Task<KlarnaTokenOrder> CreateTokenOrderAsync(KlarnaRestCredentials credentials, string customerToken, KlarnaTokenOrderRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, credentials, $"customer-token/v1/tokens/{Escape(customerToken)}/order", request, idempotencyKey, "token order", writes: true, cancellationToken);
        return await BodyAsync<KlarnaTokenOrder>(response, "token order", writes: true, cancellationToken);
    }

    /// <summary>Cancels the token for good; Klarna accepts (202) and may show it active for a moment after.</summary>
    public Task CancelCustomerTokenAsync(KlarnaRestCredentials credentials, string customerToken, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Patch, credentials, $"customer-token/v1/tokens/{Escape(customerToken)}/status", new { status = KlarnaTokenStatus.Cancelled }, null, "cancel customer token", cancellationToken);

    // Order Management

    public async Task<KlarnaOrder> GetOrderAsync(KlarnaRestCredentials credentials, string orderId, CancellationToken cancellationToken = default)
    {
        var order = await ReadAsync<KlarnaOrder>(HttpMethod.Get, credentials, Order(orderId), null, "get order", cancellationToken);
        return order with { PurchaseCurrency = order.PurchaseCurrency.ToUpperInvariant(), PurchaseCountry = order.PurchaseCountry.ToUpperInvariant() };
    }

    public Task<KlarnaCapture> GetCaptureAsync(KlarnaRestCredentials credentials, string orderId, string captureId, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaCapture>(HttpMethod.Get, credentials, $"{Order(orderId)}/captures/{Escape(captureId)}", null, "get capture", cancellationToken);

    public Task<KlarnaRefund> GetRefundAsync(KlarnaRestCredentials credentials, string orderId, string refundId, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaRefund>(HttpMethod.Get, credentials, $"{Order(orderId)}/refunds/{Escape(refundId)}", null, "get refund", cancellationToken);

    /// <summary>Captures; answers the new capture's id (Klarna's 201 has no body: the id comes in <c>Capture-Id</c> or <c>Location</c>).</summary>
    public Task<string> CaptureAsync(KlarnaRestCredentials credentials, string orderId, KlarnaCaptureRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CreateAsync(credentials, $"{Order(orderId)}/captures", request, idempotencyKey, "Capture-Id", "capture", cancellationToken);

    /// <summary>Refunds; answers the new refund's id (from <c>Refund-Id</c> or <c>Location</c>).</summary>
    public Task<string> RefundAsync(KlarnaRestCredentials credentials, string orderId, KlarnaRefundRequest request, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CreateAsync(credentials, $"{Order(orderId)}/refunds", request, idempotencyKey, "Refund-Id", "refund", cancellationToken);

    public Task CancelAsync(KlarnaRestCredentials credentials, string orderId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/cancel", null, idempotencyKey, "cancel", cancellationToken);

    public Task ReleaseRemainingAuthorizationAsync(KlarnaRestCredentials credentials, string orderId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/release-remaining-authorization", null, idempotencyKey, "release remaining authorization", cancellationToken);

    public Task ExtendAuthorizationTimeAsync(KlarnaRestCredentials credentials, string orderId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/extend-authorization-time", null, idempotencyKey, "extend authorization time", cancellationToken);

    public Task AcknowledgeAsync(KlarnaRestCredentials credentials, string orderId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/acknowledge", null, idempotencyKey, "acknowledge", cancellationToken);

    public Task UpdateAuthorizationAsync(KlarnaRestCredentials credentials, string orderId, KlarnaAuthorizationUpdate update, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Patch, credentials, $"{Order(orderId)}/authorization", update, idempotencyKey, "update authorization", cancellationToken);

    public Task UpdateCustomerDetailsAsync(KlarnaRestCredentials credentials, string orderId, KlarnaCustomerDetailsUpdate update, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Patch, credentials, $"{Order(orderId)}/customer-details", update, idempotencyKey, "update customer details", cancellationToken);

    public Task UpdateMerchantReferencesAsync(KlarnaRestCredentials credentials, string orderId, KlarnaMerchantReferences references, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Patch, credentials, $"{Order(orderId)}/merchant-references", references, idempotencyKey, "update merchant references", cancellationToken);

    public Task AddShippingInfoAsync(KlarnaRestCredentials credentials, string orderId, string captureId, IReadOnlyList<KlarnaShippingInfo> shippingInfo, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/captures/{Escape(captureId)}/shipping-info", new { shipping_info = shippingInfo }, idempotencyKey, "add shipping info", cancellationToken);

    /// <summary>Has Klarna send the customer the communication of a capture (the invoice, the payment instructions) again.</summary>
    public Task TriggerSendOutAsync(KlarnaRestCredentials credentials, string orderId, string captureId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, credentials, $"{Order(orderId)}/captures/{Escape(captureId)}/trigger-send-out", null, idempotencyKey, "trigger send-out", cancellationToken);

    // Settlements API

    public Task<KlarnaPayoutPage> PayoutsAsync(KlarnaRestCredentials credentials, DateTimeOffset start, DateTimeOffset end, string? currency = null, int size = 100, int offset = 0, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaPayoutPage>(HttpMethod.Get, credentials,
            $"settlements/v1/payouts?start_date={Date(start)}&end_date={Date(end)}{(currency is null ? "" : $"&currency_code={Escape(currency)}")}&size={size}&offset={offset}",
            null, "list payouts", cancellationToken);

    public Task<KlarnaPayout> PayoutAsync(KlarnaRestCredentials credentials, string paymentReference, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaPayout>(HttpMethod.Get, credentials, $"settlements/v1/payouts/{Escape(paymentReference)}", null, "get payout", cancellationToken);

    public Task<KlarnaSettlementTransactionPage> TransactionsAsync(KlarnaRestCredentials credentials, string paymentReference, int size = 500, int offset = 0, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaSettlementTransactionPage>(HttpMethod.Get, credentials,
            $"settlements/v1/transactions?payment_reference={Escape(paymentReference)}&size={size}&offset={offset}", null, "list payout transactions", cancellationToken);

    // Merchant Card Service (virtual cards)

    /// <summary>Says which cards a settlement of the order will issue; asking again only replaces the promise, so it is sent like a read.</summary>
    public Task<KlarnaCardPromise> CreateCardPromiseAsync(KlarnaRestCredentials credentials, KlarnaCardPromiseRequest request, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaCardPromise>(HttpMethod.Post, credentials, "merchantcard/v3/promises", request, "create card promise", cancellationToken);

    /// <summary>
    /// Issues the order's cards. MCS takes no idempotency key: when the outcome is unknown, read the settlement back by
    /// order (<see cref="GetCardSettlementByOrderAsync"/>) rather than ask again.
    /// </summary>
    public async Task<KlarnaCardSettlement> CreateCardSettlementAsync(KlarnaRestCredentials credentials, KlarnaCardSettlementRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, credentials, "merchantcard/v3/settlements", request, null, "create card settlement", writes: true, cancellationToken);
        return await BodyAsync<KlarnaCardSettlement>(response, "create card settlement", writes: true, cancellationToken);
    }

    /// <summary>A settlement with its cards encrypted again for the enrolled key <paramref name="keyId"/>.</summary>
    public Task<KlarnaCardSettlement> GetCardSettlementAsync(KlarnaRestCredentials credentials, string settlementId, string keyId, CancellationToken cancellationToken = default) =>
        ReadCardsAsync(credentials, $"merchantcard/v3/settlements/{Escape(settlementId)}", keyId, "get card settlement", cancellationToken);

    public Task<KlarnaCardSettlement> GetCardSettlementByOrderAsync(KlarnaRestCredentials credentials, string orderId, string keyId, CancellationToken cancellationToken = default) =>
        ReadCardsAsync(credentials, $"merchantcard/v3/settlements/order/{Escape(orderId)}", keyId, "get card settlement by order", cancellationToken);

    /// <summary>Asks Klarna to cancel a card-settled order; it decides later, so asking again only answers where it stands.</summary>
    public Task<KlarnaCardCancelRequest> RequestCardOrderCancelAsync(KlarnaRestCredentials credentials, string orderId, CancellationToken cancellationToken = default) =>
        ReadAsync<KlarnaCardCancelRequest>(HttpMethod.Post, credentials, $"merchantcard/v3/orders/{Escape(orderId)}/cancel-request", null, "request card order cancel", cancellationToken);

    public async Task<KlarnaCardCancelRequest> GetCardOrderCancelAsync(KlarnaRestCredentials credentials, string orderId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAsync<KlarnaCardCancelRequest>(HttpMethod.Get, credentials, $"merchantcard/v3/orders/{Escape(orderId)}/cancel-request", null, "get card order cancel", cancellationToken);
        }
        catch (KlarnaRestRefusedException e) when (e.Status == 400)
        {
            // The only 400 of this read, whose path is its one input: no cancel was asked for.
            return new KlarnaCardCancelRequest(KlarnaCardCancelStatus.NoRequestFound);
        }
    }

    private async Task<KlarnaCardSettlement> ReadCardsAsync(KlarnaRestCredentials credentials, string path, string keyId, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, credentials, path, null, null, operation, writes: false, cancellationToken, keyId);
        return await BodyAsync<KlarnaCardSettlement>(response, operation, writes: false, cancellationToken);
    }

    private static string Order(string orderId) => $"ordermanagement/v1/orders/{Escape(orderId)}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Date(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private async Task<T> ReadAsync<T>(HttpMethod method, KlarnaRestCredentials credentials, string path, object? body, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, credentials, path, body, null, operation, writes: false, cancellationToken);
        return await BodyAsync<T>(response, operation, writes: false, cancellationToken);
    }

    private async Task WriteAsync(HttpMethod method, KlarnaRestCredentials credentials, string path, object? body, string? idempotencyKey, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, credentials, path, body, idempotencyKey, operation, writes: true, cancellationToken);
    }

    private async Task<string> CreateAsync(KlarnaRestCredentials credentials, string path, object body, string idempotencyKey, string idHeader, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, credentials, path, body, idempotencyKey, operation, writes: true, cancellationToken);
        if (response.Headers.TryGetValues(idHeader, out var ids) && ids.FirstOrDefault() is { Length: > 0 } id)
            return id;
        if (response.Headers.Location is { } location)
        {
            var absolute = location.IsAbsoluteUri ? location : new Uri(credentials.BaseAddress, location);
            if (absolute.Segments.LastOrDefault()?.Trim('/') is { Length: > 0 } last)
                return Uri.UnescapeDataString(last);
        }
        throw new KlarnaRestOutcomeUnknownException(operation, $"Klarna answered {(int)response.StatusCode} without {idHeader} or Location.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, KlarnaRestCredentials credentials, string path, object? body, string? idempotencyKey,
        string operation, bool writes, CancellationToken cancellationToken, string? keyId = null)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            using var request = new HttpRequestMessage(method, new Uri(credentials.BaseAddress, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));
            if (idempotencyKey is not null)
                request.Headers.Add(IdempotencyHeader, idempotencyKey);
            if (keyId is not null)
                request.Headers.Add("KeyId", keyId);
            if (body is not null)
                request.Content = JsonContent.Create(body, body.GetType(), options: KlarnaJson.Options);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
            {
                // No connection was made, so nothing was sent.
                throw new KlarnaRestUnavailableException(operation, e.Message, e);
            }
            catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw writes ? new KlarnaRestOutcomeUnknownException(operation, e.Message, e) : new KlarnaRestUnavailableException(operation, e.Message, e);
            }
            if (response.IsSuccessStatusCode)
                return response;
            using (response)
            {
                var error = await ErrorAsync(response, cancellationToken);
                var status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var reset = RateLimitReset(response);
                    if (waited + reset > RateLimitPatience)
                        throw new KlarnaRestUnavailableException(operation, $"Klarna's rate limit did not lift within {RateLimitPatience.TotalSeconds:0} s ({error.Text}).");
                    waited += reset;
                    await Task.Delay(reset, time, cancellationToken);
                    continue;
                }
                if (status >= 500 || status == 409 && error.ErrorCode == "CONFLICT" || status == 408)
                {
                    var reason = $"Klarna answered {status} {error.ErrorCode}: {error.Text}";
                    throw writes ? new KlarnaRestOutcomeUnknownException(operation, reason) : new KlarnaRestUnavailableException(operation, reason);
                }
                throw new KlarnaRestRefusedException(status, error);
            }
        }
    }

    /// <summary>Klarna's <c>X-Ratelimit-Reset</c>: seconds until the limit lifts (at least one, when it does not say).</summary>
    private static TimeSpan RateLimitReset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Ratelimit-Reset", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1);

    private static async Task<KlarnaError> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var body = JsonSerializer.Deserialize<KlarnaError>(text, KlarnaJson.Options);
            if (body is { ErrorCode.Length: > 0 })
                return body with { ErrorMessages = body.ErrorMessages ?? [] };
        }
        catch (JsonException)
        {
            // Not Klarna's error body (a proxy's page, say): the status speaks for it.
        }
        return new KlarnaError($"HTTP_{(int)response.StatusCode}", [], null);
    }

    private static async Task<T> BodyAsync<T>(HttpResponseMessage response, string operation, bool writes, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(KlarnaJson.Options, cancellationToken)
                ?? throw new JsonException("The answer is empty.");
        }
        catch (JsonException e)
        {
            var reason = $"Klarna's answer cannot be read: {e.Message}";
            throw writes ? new KlarnaRestOutcomeUnknownException(operation, reason, e) : new KlarnaRestUnavailableException(operation, reason, e);
        }
    }
}
