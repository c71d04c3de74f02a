using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.KlarnaRest.Tests;

public sealed class KlarnaRestClientTests
{
    private static readonly KlarnaRestCredentials Merchant = new(new Uri("https://api.playground.klarna.com/"), "PK_user", "secret:1");
    private const string OrderId = "7849fd84-47dc-4919-a7ce-47b9f461562f";

    private readonly ScriptedHandler handler = new();
    private readonly FakeTimeProvider time = new();
    private readonly KlarnaRestClient client;

    public KlarnaRestClientTests() => client = new KlarnaRestClient(new HttpClient(handler), time);

    [Fact]
    public async Task An_order_reads_as_klarna_shows_it_with_currency_and_country_in_capitals()
    {
        handler.Answer(HttpStatusCode.OK, Verbatim.CapturedOrder.Replace("\"PLN\"", "\"pln\"", StringComparison.Ordinal));

        var order = await client.GetOrderAsync(Merchant, OrderId);

        Assert.Equal((KlarnaOrderStatus.Captured, KlarnaFraudStatus.Accepted, 200L, 200L, 0L, 0L), (order.Status, order.FraudStatus, order.OrderAmount, order.CapturedAmount, order.RefundedAmount, order.RemainingAuthorizedAmount));
        Assert.Equal(("PLN", "PL", "INVOICE"), (order.PurchaseCurrency, order.PurchaseCountry, order.InitialPaymentMethod?.Type));
        var capture = Assert.Single(order.Captures);
        Assert.Equal(("32904e4c-61d2-400e-9b77-XXXXXX", 200L, "20S0XXXX-1"), (capture.CaptureId, capture.CapturedAmount, capture.KlarnaReference));
        Assert.Equal(new DateTimeOffset(2022, 8, 5, 0, 0, 0, TimeSpan.Zero), order.ExpiresAt);
        var sent = Assert.Single(handler.Sent);
        Assert.Equal((HttpMethod.Get, $"https://api.playground.klarna.com/ordermanagement/v1/orders/{OrderId}", null, null), (sent.Method, sent.Uri.ToString(), sent.IdempotencyKey, sent.Body));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("PK_user:secret:1")), sent.Authorization);
    }

    [Fact]
    public async Task Klarnas_error_body_is_a_refusal_in_its_own_words()
    {
        handler.Answer(HttpStatusCode.BadRequest, Verbatim.InvalidOrderId);

        var refused = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.GetOrderAsync(Merchant, "not-a-uuid"));

        Assert.Equal((400, "INVALID_ORDER_ID", "Order ID must be a valid UUID.", "dd482985-2e0f-415d-9f30-74ce93e7e68e"),
            (refused.Status, refused.Error.ErrorCode, refused.Error.Text, refused.Error.CorrelationId));
    }

    [Fact]
    public async Task A_capture_is_sent_in_klarnas_shape_with_its_idempotency_key_and_answers_the_id_from_the_header()
    {
        handler.Answer(HttpStatusCode.Created, null, ("Capture-Id", "5b33ed47-79d0-4d76-99ea-4afaa7c8e552"),
            ("Location", $"https://api.playground.klarna.com/ordermanagement/v1/orders/{OrderId}/captures/5b33ed47-79d0-4d76-99ea-4afaa7c8e552"));
        var request = new KlarnaCaptureRequest(6000, "c9a94cf1-7126-4f55-92fa-4d34f416ed7f", "Shipped the full order",
            [new KlarnaOrderLine("Tomatoes", 10, 600, 6000, Reference: "123050", Type: "physical", QuantityUnit: "kg", TaxRate: 2500, TotalTaxAmount: 1200)],
            [new KlarnaShippingInfo { ShippingCompany = "DHL US", TrackingNumber = "1234567890", ReturnShippingCompany = "UPS", ReturnTrackingNumber = "112233445566778899" }]);

        var id = await client.CaptureAsync(Merchant, OrderId, request, "c6010e41-5eb0-46a9-8cc0-decb265419b1");

        Assert.Equal("5b33ed47-79d0-4d76-99ea-4afaa7c8e552", id);
        var sent = Assert.Single(handler.Sent);
        Assert.Equal((HttpMethod.Post, $"/ordermanagement/v1/orders/{OrderId}/captures", "c6010e41-5eb0-46a9-8cc0-decb265419b1"), (sent.Method, sent.Uri.AbsolutePath, sent.IdempotencyKey));
        AssertSameJson(Verbatim.FullCapture, sent.Body);
    }

    [Theory]
    [InlineData("https://api.playground.klarna.com/ordermanagement/v1/orders/o/refunds/b2cb4f2e-2781-4359-80ad-555735ebb8d8")]
    [InlineData("/ordermanagement/v1/orders/o/refunds/b2cb4f2e-2781-4359-80ad-555735ebb8d8")]
    public async Task A_refund_without_its_id_header_takes_the_id_from_the_location(string location)
    {
        handler.Answer(HttpStatusCode.Created, null, ("Location", location));
        var request = new KlarnaRefundRequest(9500, "1786c73b-a2be-4d42-a9f7-ff1c4bca5ccc", "Description of the refund shown to the customer",
            [new KlarnaOrderLine("T-Shirt", 1, 10000, 10000, Type: "physical"), new KlarnaOrderLine("Return fee", 1, -500, -500, Type: "return_fee")]);

        var id = await client.RefundAsync(Merchant, OrderId, request, "key-1");

        Assert.Equal("b2cb4f2e-2781-4359-80ad-555735ebb8d8", id);
        AssertSameJson(Verbatim.RefundWithReturnFee, handler.Sent.Single().Body);
    }

    [Fact]
    public async Task A_created_capture_without_an_id_anywhere_is_of_unknown_outcome()
    {
        handler.Answer(HttpStatusCode.Created);

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.CaptureAsync(Merchant, OrderId, new KlarnaCaptureRequest(100), "key-1"));
    }

    [Fact]
    public async Task A_capture_beyond_the_remaining_amount_and_a_cancel_after_a_capture_are_refused()
    {
        handler.Answer(HttpStatusCode.Forbidden, Verbatim.CaptureNotAllowed).Answer(HttpStatusCode.Forbidden, Verbatim.CancelNotAllowed);

        var capture = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(Merchant, OrderId, new KlarnaCaptureRequest(99_999), "key-1"));
        var cancel = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CancelAsync(Merchant, OrderId, "key-2"));

        Assert.Equal(("CAPTURE_NOT_ALLOWED", "Captured amount is higher than the remaining authorized amount. Capture not possible."), (capture.Error.ErrorCode, capture.Error.Text));
        Assert.Equal((403, "CANCEL_NOT_ALLOWED"), (cancel.Status, cancel.Error.ErrorCode));
        Assert.Equal(("key-2", null), (handler.Sent[1].IdempotencyKey, handler.Sent[1].Body));
    }

    [Fact]
    public async Task A_server_error_or_a_timeout_leaves_a_change_unknown_but_a_read_only_unavailable()
    {
        handler.Answer(HttpStatusCode.ServiceUnavailable, """{"error_code":"TEMPORARILY_UNAVAILABLE","error_messages":["Temporarily unavailable"],"correlation_id":"c"}""")
            .Throw(new TaskCanceledException("The request timed out."))
            .Answer(HttpStatusCode.InternalServerError, "<html>oops</html>");

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.RefundAsync(Merchant, OrderId, new KlarnaRefundRequest(100), "key-1"));
        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.ReleaseRemainingAuthorizationAsync(Merchant, OrderId, "key-2"));
        var read = await Assert.ThrowsAsync<KlarnaRestUnavailableException>(() => client.GetOrderAsync(Merchant, OrderId));
        Assert.Contains("HTTP_500", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_never_made_is_unavailable_even_for_a_change_nothing_was_sent()
    {
        handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        await Assert.ThrowsAsync<KlarnaRestUnavailableException>(() => client.CaptureAsync(Merchant, OrderId, new KlarnaCaptureRequest(100), "key-1"));
    }

    [Fact]
    public async Task A_duplicate_still_in_flight_is_unknown_while_a_cart_that_does_not_match_is_refused()
    {
        handler.Answer(HttpStatusCode.Conflict, """{"error_code":"CONFLICT","error_messages":[],"correlation_id":"c"}""")
            .Answer(HttpStatusCode.Conflict, """{"error_code":"BAD_VALUE","error_messages":["Not matching fields: [billing_address.postal_code]"],"correlation_id":"c"}""");

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.CaptureAsync(Merchant, OrderId, new KlarnaCaptureRequest(100), "key-1"));
        var refused = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.PlaceOrderAsync(Merchant, "token", Purchase()));
        Assert.Equal("Not matching fields: [billing_address.postal_code]", refused.Error.Text);
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_as_klarna_says_and_the_call_sent_again_with_the_same_key()
    {
        handler.Answer(HttpStatusCode.TooManyRequests, """{"error_code":"TOO_MANY_REQUESTS","error_messages":["Too many requests"],"correlation_id":"c"}""",
                ("X-Ratelimit-Limit", "40, 40;w=1"), ("X-Ratelimit-Remaining", "0"), ("X-Ratelimit-Reset", "2"))
            .Answer(HttpStatusCode.NoContent);

        var extend = client.ExtendAuthorizationTimeAsync(Merchant, OrderId, "key-1");
        await WaitForAsync(() => handler.Sent.Count == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(extend.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await extend;

        Assert.Equal(["key-1", "key-1"], handler.Sent.Select(s => s.IdempotencyKey));
    }

    [Fact]
    public async Task A_rate_limit_that_lifts_too_late_is_unavailable_and_nothing_is_sent_again()
    {
        handler.Answer(HttpStatusCode.TooManyRequests, """{"error_code":"TOO_MANY_REQUESTS","error_messages":["Too many requests"],"correlation_id":"c"}""", ("X-Ratelimit-Reset", "60"));

        await Assert.ThrowsAsync<KlarnaRestUnavailableException>(() => client.CaptureAsync(Merchant, OrderId, new KlarnaCaptureRequest(100), "key-1"));
        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task An_update_of_the_authorization_is_a_patch_in_klarnas_shape()
    {
        handler.Answer(HttpStatusCode.NoContent);

        await client.UpdateAuthorizationAsync(Merchant, OrderId, new KlarnaAuthorizationUpdate(6000,
            [new KlarnaOrderLine("Tomatoes", 10, 600, 6000, Reference: "123050", Type: "physical", QuantityUnit: "kg", TaxRate: 2500, TotalTaxAmount: 1200)], ""), "key-1");

        var sent = handler.Sent.Single();
        Assert.Equal((HttpMethod.Patch, $"/ordermanagement/v1/orders/{OrderId}/authorization"), (sent.Method, sent.Uri.AbsolutePath));
        AssertSameJson(Verbatim.UpdateAuthorization, sent.Body);
    }

    [Fact]
    public async Task A_session_is_created_from_the_cart_and_answers_the_widgets_token_and_categories()
    {
        handler.Answer(HttpStatusCode.OK, Verbatim.Session);
        var purchase = new KlarnaPurchase
        {
            AcquiringChannel = "ECOMMERCE", Intent = KlarnaIntent.Buy, PurchaseCountry = "SE", PurchaseCurrency = "SEK", Locale = "en-SE", OrderAmount = 9500, OrderTaxAmount = 1900,
            OrderLines = [new KlarnaOrderLine("Battery Power Pack", 1, 10000, 9500, Reference: "19-402", Type: "physical", TaxRate: 2500, TotalTaxAmount: 1900, TotalDiscountAmount: 500,
                ProductUrl: "https://www.estore.com/products/f2a8d7e34", ImageUrl: "https://www.exampleobjects.com/logo.png")],
            MerchantUrls = new KlarnaMerchantUrls { Authorization = "https://example.com/authorization_callbacks" },
        };

        var session = await client.CreateSessionAsync(Merchant, purchase);

        Assert.Equal(("068df369-13a7-4d47-a564-62f8408bb760", "klarna", "Pay with Klarna"), (session.SessionId, session.PaymentMethodCategories.Single().Identifier, session.PaymentMethodCategories.Single().Name));
        Assert.StartsWith("eyJhbGciOiJIUzI1NiIs", session.ClientToken, StringComparison.Ordinal);
        Assert.Equal("/payments/v1/sessions", handler.Sent.Single().Uri.AbsolutePath);
        AssertSameJson(Verbatim.OneTimeSession, handler.Sent.Single().Body);
    }

    [Fact]
    public async Task An_order_placed_from_an_authorization_reads_the_payment_method_also_as_a_bare_word()
    {
        handler.Answer(HttpStatusCode.OK, Verbatim.PendingOrder);

        var order = await client.PlaceOrderAsync(Merchant, "b4bd3423-24e3", Purchase());

        Assert.Equal(("3eaeb557-5e30-47f8-b840-b8d987f5945d", KlarnaFraudStatus.Pending, "invoice"), (order.OrderId, order.FraudStatus, order.AuthorizedPaymentMethod?.Type));
        Assert.Equal("/payments/v1/authorizations/b4bd3423-24e3/order", handler.Sent.Single().Uri.AbsolutePath);
    }

    [Fact]
    public async Task A_pretty_printed_error_is_read_by_its_fields()
    {
        handler.Answer(HttpStatusCode.BadRequest, Verbatim.BadOrderAmount);

        var refused = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateSessionAsync(Merchant, Purchase()));

        Assert.Equal(("BAD_VALUE", "Bad value: order_amount"), (refused.Error.ErrorCode, refused.Error.Text));
    }

    [Fact]
    public async Task Payouts_and_their_transactions_are_read_page_by_page()
    {
        handler.Answer(HttpStatusCode.OK, """
            {"payouts":[{"totals":{"sale_amount":2000,"return_amount":-500,"fee_amount":-60,"holdback_amount":0,"settlement_amount":1440},
              "payment_reference":"XISA93DJ","payout_date":"2026-11-30T08:00:00Z","currency_code":"usd","merchant_settlement_type":"NET","merchant_id":"PK_user"}],
             "pagination":{"count":1,"total":1,"offset":0}}
            """)
            .Answer(HttpStatusCode.OK, """
            {"transactions":[{"amount": 2000, "capture_id": "33db6f16-9f43-43fa-a587-cc51411c98e4", "type": "SALE", "payment_reference": "XISA93DJ",
              "order_id": "ce17b4cb-147f-48b7-b8e6-dde2fa397f04", "refund_id": "ef1baa1f-b42e-44be-b9e4-4b94510b53e5", "short_order_id": "shortrid",
              "currency_code": "USD", "purchase_country": "PL", "sale_date": "2026-11-20T10:00:00Z", "capture_date": "2026-11-21T10:00:00Z"}],
             "pagination":{"count":1,"total":1}}
            """);

        var payouts = await client.PayoutsAsync(Merchant, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "USD");
        var transactions = await client.TransactionsAsync(Merchant, "XISA93DJ");

        var payout = Assert.Single(payouts.Payouts);
        Assert.Equal(("XISA93DJ", 2000L, -500L, -60L, 1440L), (payout.PaymentReference, payout.Totals.SaleAmount, payout.Totals.ReturnAmount, payout.Totals.FeeAmount, payout.Totals.SettlementAmount));
        var sale = Assert.Single(transactions.Transactions);
        Assert.Equal(("SALE", 2000L, "33db6f16-9f43-43fa-a587-cc51411c98e4", "ce17b4cb-147f-48b7-b8e6-dde2fa397f04"), (sale.Type, sale.Amount, sale.CaptureId, sale.OrderId));
        Assert.Equal("?start_date=2026-11-01T00%3A00%3A00Z&end_date=2026-12-01T00%3A00%3A00Z&currency_code=USD&size=100&offset=0", handler.Sent[0].Uri.Query);
        Assert.Equal("/settlements/v1/transactions", handler.Sent[1].Uri.AbsolutePath);
    }

    [Fact]
    public async Task A_sandbox_address_with_a_path_keeps_its_path()
    {
        handler.Answer(HttpStatusCode.NoContent);

        await client.AcknowledgeAsync(Merchant with { BaseAddress = new Uri("http://127.0.0.1:5000/sandbox/klarna-api/") }, OrderId, "key-1");

        Assert.Equal($"http://127.0.0.1:5000/sandbox/klarna-api/ordermanagement/v1/orders/{OrderId}/acknowledge", handler.Sent.Single().Uri.ToString());
    }

    [Theory]
    [InlineData(KlarnaRegion.EU, false, "https://api.playground.klarna.com/")]
    [InlineData(KlarnaRegion.EU, true, "https://api.klarna.com/")]
    [InlineData(KlarnaRegion.NA, false, "https://api-na.playground.klarna.com/")]
    [InlineData(KlarnaRegion.OC, true, "https://api-oc.klarna.com/")]
    public void Each_region_and_environment_has_its_host(KlarnaRegion region, bool live, string host) =>
        Assert.Equal(new Uri(host), KlarnaHosts.Of(region, live));

    [Fact]
    public void The_idempotency_key_is_a_version_5_uuid_the_same_for_the_same_request_and_merchant_only()
    {
        var request = Guid.NewGuid();

        var key = KlarnaIdempotencyKey.For("PK_user", request);

        Assert.Equal(key, KlarnaIdempotencyKey.For("PK_user", request));
        Assert.NotEqual(key, KlarnaIdempotencyKey.For("PK_other", request));
        Assert.NotEqual(key, KlarnaIdempotencyKey.For("PK_user", Guid.NewGuid()));
        Assert.Equal('5', key[14]);
        Assert.Contains(key[19], "89ab");
    }

    [Theory]
    [InlineData(9500, 2500, 1900)]
    [InlineData(6000, 2500, 1200)]
    [InlineData(-14950, 2500, -2990)]
    [InlineData(1190, 1900, 190)]
    [InlineData(999, 0, 0)]
    public void Tax_is_computed_as_klarna_does(long total, int rate, long tax)
    {
        Assert.Equal(tax, KlarnaTax.Of(total, rate));
        Assert.True(KlarnaTax.Agrees(total, rate, tax + 1));
        Assert.False(KlarnaTax.Agrees(total, rate, tax + 2));
    }

    private static KlarnaPurchase Purchase() => new()
    {
        PurchaseCountry = "US", PurchaseCurrency = "USD", OrderAmount = 10, OrderTaxAmount = 0,
        OrderLines = [new KlarnaOrderLine("Battery Power Pack", 1, 10, 10, Reference: "19-402-USA", Type: "physical", TaxRate: 0, TotalTaxAmount: 0)],
    };

    private static void AssertSameJson(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual!)), $"Expected {expected}{Environment.NewLine}but sent {actual}");

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
