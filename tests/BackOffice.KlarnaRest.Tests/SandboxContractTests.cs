using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.KlarnaRest.Tests;

/// <summary>
/// The client against the sandbox over real HTTP: a purchase from session to payout, Klarna's amount rules and error
/// matrix, idempotent repeats (also of a call whose answer was lost), pending fraud decisions, expiry and the control API.
/// </summary>
public sealed partial class SandboxContractTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private WebApplication app = null!;
    private Uri baseAddress = null!;
    private KlarnaRestCredentials merchant = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KlarnaRestSandbox:ControlApi"] = "true",
            ["KlarnaRestSandbox:Merchants:0:MerchantId"] = "PN_SHOP",
            ["KlarnaRestSandbox:Merchants:0:Username"] = "PK_shop",
            ["KlarnaRestSandbox:Merchants:0:Password"] = "shop-secret",
            ["KlarnaRestSandbox:Merchants:1:MerchantId"] = "PN_OTHER",
            ["KlarnaRestSandbox:Merchants:1:Username"] = "PK_other",
            ["KlarnaRestSandbox:Merchants:1:Password"] = "other-secret",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddKlarnaRestSandbox();
        app = builder.Build();
        app.MapKlarnaRestSandbox("/sandbox/klarna-api");
        await app.StartAsync();
        baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/sandbox/klarna-api/");
        merchant = new KlarnaRestCredentials(baseAddress, "PK_shop", "shop-secret");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private KlarnaRestClient Client(TimeSpan? timeout = null) => new(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, TimeProvider.System);

    private HttpClient Control => new() { BaseAddress = new Uri(baseAddress, "_sandbox/") };

    private KlarnaRestSandbox Sandbox => app.Services.GetRequiredService<KlarnaRestSandbox>();

    private static KlarnaPurchase Cart(long shirts = 2) => new()
    {
        PurchaseCountry = "DE", PurchaseCurrency = "EUR", Locale = "de-DE", OrderAmount = shirts * 2500 + 990, OrderTaxAmount = KlarnaTax.Of(shirts * 2500, 1900) + KlarnaTax.Of(990, 1900),
        MerchantReference1 = "ORDER-1",
        OrderLines =
        [
            new KlarnaOrderLine("Shirt", shirts, 2500, shirts * 2500, Reference: "A1", Type: "physical", TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(shirts * 2500, 1900)),
            new KlarnaOrderLine("Shipping", 1, 990, 990, Reference: "SHIP", Type: "shipping_fee", TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(990, 1900)),
        ],
    };

    private async Task<string> ApproveAsync(string sessionId, string outcome = "approved")
    {
        using var response = await Control.PostAsJsonAsync($"sessions/{sessionId}/authorize", new { outcome });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
    }

    private async Task<string> PlaceAsync(string outcome = "approved")
    {
        var session = await Client().CreateSessionAsync(merchant, Cart());
        return (await Client().PlaceOrderAsync(merchant, await ApproveAsync(session.SessionId, outcome), Cart())).OrderId;
    }

    private async Task<KlarnaOrder> SandboxOrderAsync(string orderId) => (await Control.GetFromJsonAsync<KlarnaOrder>($"orders/{orderId}", KlarnaJson.Options))!;

    [Fact]
    public async Task A_purchase_goes_from_session_to_a_released_order_and_klarna_agrees_at_every_step()
    {
        var client = Client();
        var session = await client.CreateSessionAsync(merchant, Cart());
        var placed = await client.PlaceOrderAsync(merchant, await ApproveAsync(session.SessionId), Cart());
        var order = await client.GetOrderAsync(merchant, placed.OrderId);
        Assert.Equal((KlarnaOrderStatus.Authorized, KlarnaFraudStatus.Accepted, 5990L, 5990L, "ORDER-1"), (order.Status, order.FraudStatus, order.OrderAmount, order.RemainingAuthorizedAmount, order.MerchantReference1));
        Assert.Equal(time.GetUtcNow().AddDays(28), order.ExpiresAt);

        var captureId = await client.CaptureAsync(merchant, placed.OrderId, new KlarnaCaptureRequest(2500, "C-1",
            OrderLines: [new KlarnaOrderLine("Shirt", 1, 2500, 2500, Reference: "A1", TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(2500, 1900))],
            ShippingInfo: [new KlarnaShippingInfo { ShippingCompany = "DHL DE", TrackingNumber = "00340434161234567890" }]), "key-capture");
        var refundId = await client.RefundAsync(merchant, placed.OrderId, new KlarnaRefundRequest(1000, "R-1"), "key-refund");
        await client.ReleaseRemainingAuthorizationAsync(merchant, placed.OrderId, "key-release");

        order = await client.GetOrderAsync(merchant, placed.OrderId);
        Assert.Equal((KlarnaOrderStatus.Captured, 2500L, 1000L, 0L), (order.Status, order.CapturedAmount, order.RefundedAmount, order.RemainingAuthorizedAmount));
        var capture = Assert.Single(order.Captures);
        Assert.Equal((captureId, 1000L, "00340434161234567890", $"{order.KlarnaReference}-1"), (capture.CaptureId, capture.RefundedAmount, capture.ShippingInfo.Single().TrackingNumber, capture.KlarnaReference));
        Assert.Equal(refundId, order.Refunds.Single().RefundId);
        Assert.Equal(1000L, (await client.GetRefundAsync(merchant, placed.OrderId, refundId)).RefundedAmount);
        Assert.Equal(JsonSerializer.Serialize(order, KlarnaJson.Options), JsonSerializer.Serialize(await SandboxOrderAsync(placed.OrderId), KlarnaJson.Options));
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_401_and_another_merchants_order_is_not_found()
    {
        var orderId = await PlaceAsync();

        var wrong = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().GetOrderAsync(merchant with { Password = "guess" }, orderId));
        var other = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().GetOrderAsync(new KlarnaRestCredentials(baseAddress, "PK_other", "other-secret"), orderId));

        Assert.Equal((401, "UNAUTHORIZED"), (wrong.Status, wrong.Error.ErrorCode));
        Assert.Equal((404, "NO_SUCH_ORDER", $"Order {orderId} cannot be found."), (other.Status, other.Error.ErrorCode, other.Error.Text));
    }

    [Fact]
    public async Task Klarnas_refusals_follow_the_error_matrix_and_change_nothing()
    {
        var client = Client();
        var orderId = await PlaceAsync();

        var refundFirst = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.RefundAsync(merchant, orderId, new KlarnaRefundRequest(100), "k1"));
        var releaseFirst = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.ReleaseRemainingAuthorizationAsync(merchant, orderId, "k2"));
        var tooMuch = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(5991), "k3"));
        var linesOff = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(merchant, orderId,
            new KlarnaCaptureRequest(2500, OrderLines: [new KlarnaOrderLine("Shirt", 1, 2500, 2500, TaxRate: 1900, TotalTaxAmount: 300)]), "k4"));
        await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(3000), "k5");
        var cancel = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CancelAsync(merchant, orderId, "k6"));
        var overRefund = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.RefundAsync(merchant, orderId, new KlarnaRefundRequest(3001), "k7"));
        var shrink = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.UpdateAuthorizationAsync(merchant, orderId, new KlarnaAuthorizationUpdate(2999), "k8"));
        var notUuid = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.GetOrderAsync(merchant, "12345"));
        var unknown = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(merchant, Guid.NewGuid().ToString(), new KlarnaCaptureRequest(1), "k9"));

        Assert.Equal(("REFUND_NOT_ALLOWED", "Order has no captures. Refund not possible"), (refundFirst.Error.ErrorCode, refundFirst.Error.Text));
        Assert.Equal(("NOT_ALLOWED", "Order has no captures. Remaining authorization cannot be released."), (releaseFirst.Error.ErrorCode, releaseFirst.Error.Text));
        Assert.Equal((403, "Captured amount is higher than the remaining authorized amount. Capture not possible."), (tooMuch.Status, tooMuch.Error.Text));
        Assert.Equal((400, "Bad value: order_lines[0].total_tax_amount differs from the calculated value [399] by more than [1]"), (linesOff.Status, linesOff.Error.Text));
        Assert.Equal(("CANCEL_NOT_ALLOWED", "Order has previous captures. Cancel not possible."), (cancel.Error.ErrorCode, cancel.Error.Text));
        Assert.Equal("Over refund is not allowed. Refund not possible.", overRefund.Error.Text);
        Assert.Equal("Resulting authorization amount 2999 cannot be less than the captured amount 3000 for order. Order authorization cannot be updated", shrink.Error.Text);
        Assert.Equal((400, "INVALID_ORDER_ID"), (notUuid.Status, notUuid.Error.ErrorCode));
        Assert.Equal((404, "NO_SUCH_ORDER"), (unknown.Status, unknown.Error.ErrorCode));
        var order = await SandboxOrderAsync(orderId);
        Assert.Equal((KlarnaOrderStatus.PartCaptured, 3000L, 0L, 2990L), (order.Status, order.CapturedAmount, order.RefundedAmount, order.RemainingAuthorizedAmount));
    }

    [Fact]
    public async Task A_repeat_with_the_same_key_answers_the_first_capture_for_24_hours_and_runs_it_once()
    {
        var client = Client();
        var orderId = await PlaceAsync();

        var first = await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(1000), "same-key");
        var repeat = await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(2000), "same-key");
        time.Advance(TimeSpan.FromHours(25));
        var dayLater = await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(500), "same-key");

        Assert.Equal(first, repeat);
        Assert.NotEqual(first, dayLater);
        Assert.Equal([1000L, 500L], (await SandboxOrderAsync(orderId)).Captures.Select(c => c.CapturedAmount));
        Assert.Equal(2, Sandbox.Executions.Count(e => e.Operation == "capture"));
    }

    [Fact]
    public async Task A_capture_whose_answer_was_lost_is_unknown_and_its_repeat_with_the_same_key_answers_it_without_a_second_capture()
    {
        var orderId = await PlaceAsync();
        Sandbox.Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Timeout, AfterExecution: true));

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => Client(TimeSpan.FromSeconds(1)).CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(1500), "lost-key"));
        var happened = (await SandboxOrderAsync(orderId)).Captures.Single();
        var repeat = await Client().CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(1500), "lost-key");

        Assert.Equal(happened.CaptureId, repeat);
        Assert.Single((await SandboxOrderAsync(orderId)).Captures);
        Assert.Equal(1, Sandbox.Traffic.FaultsHit);
    }

    [Fact]
    public async Task A_line_dropped_after_a_capture_makes_it_unknown_at_once_from_the_network_error()
    {
        var orderId = await PlaceAsync();
        Sandbox.Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Drop, AfterExecution: true));

        var lost = await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => Client().CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(1500), "dropped-key"));

        Assert.IsType<HttpRequestException>(lost.InnerException);
        Assert.Single((await SandboxOrderAsync(orderId)).Captures);
    }

    [Fact]
    public async Task A_refund_failing_before_it_was_carried_out_leaves_its_key_free_and_goes_through_once_when_sent_again()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(5990), "capture-all");
        Sandbox.Traffic.Inject(new SandboxInjection("refund", SandboxFailure.ServerError));

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.RefundAsync(merchant, orderId, new KlarnaRefundRequest(990), "refund-key"));
        Assert.Empty((await SandboxOrderAsync(orderId)).Refunds);
        await client.RefundAsync(merchant, orderId, new KlarnaRefundRequest(990), "refund-key");

        Assert.Equal(990L, (await SandboxOrderAsync(orderId)).RefundedAmount);
    }

    [Fact]
    public async Task An_injected_rate_limit_is_waited_out_by_the_client()
    {
        var orderId = await PlaceAsync();
        Sandbox.Traffic.Inject(new SandboxInjection("extend", SandboxFailure.Fault, 429));

        await Client().ExtendAuthorizationTimeAsync(merchant, orderId, "extend-key");

        Assert.Equal(2, Sandbox.Traffic.Calls["extend"]);
        Assert.Single(Sandbox.Executions, e => e.Operation == "extend");
    }

    [Fact]
    public async Task A_pending_fraud_decision_holds_the_capture_until_klarna_accepts_and_a_rejection_cancels()
    {
        var client = Client();
        var accepted = await PlaceAsync("pending");
        var rejected = await PlaceAsync("pending");

        var held = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(merchant, accepted, new KlarnaCaptureRequest(100), "k1"));
        (await Control.PostAsJsonAsync($"orders/{accepted}/fraud", new { status = "ACCEPTED" })).EnsureSuccessStatusCode();
        (await Control.PostAsJsonAsync($"orders/{rejected}/fraud", new { status = "REJECTED" })).EnsureSuccessStatusCode();
        await client.CaptureAsync(merchant, accepted, new KlarnaCaptureRequest(100), "k2");

        Assert.Equal(("CAPTURE_NOT_ALLOWED", KlarnaFraudStatus.Pending), (held.Error.ErrorCode, (await client.PlaceOrderAsync(merchant, await ApproveAsync((await client.CreateSessionAsync(merchant, Cart())).SessionId, "pending"), Cart())).FraudStatus));
        Assert.Equal((KlarnaOrderStatus.PartCaptured, KlarnaFraudStatus.Accepted), ((await SandboxOrderAsync(accepted)).Status, (await SandboxOrderAsync(accepted)).FraudStatus));
        Assert.Equal((KlarnaOrderStatus.Cancelled, KlarnaFraudStatus.Rejected), ((await SandboxOrderAsync(rejected)).Status, (await SandboxOrderAsync(rejected)).FraudStatus));
    }

    [Fact]
    public async Task An_authorization_extends_within_180_days_and_expires_when_its_time_has_passed()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        time.Advance(TimeSpan.FromDays(20));
        await client.ExtendAuthorizationTimeAsync(merchant, orderId, "extend-1");
        Assert.Equal(time.GetUtcNow().AddDays(28), (await client.GetOrderAsync(merchant, orderId)).ExpiresAt);

        time.Advance(TimeSpan.FromDays(29));
        var expired = await client.GetOrderAsync(merchant, orderId);
        var capture = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(100), "k1"));
        var extend = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.ExtendAuthorizationTimeAsync(merchant, orderId, "extend-2"));

        Assert.Equal((KlarnaOrderStatus.Expired, 0L), (expired.Status, expired.RemainingAuthorizedAmount));
        Assert.Equal("CAPTURE_NOT_ALLOWED", capture.Error.ErrorCode);
        Assert.Equal("Order is expired. Authorization time cannot be extended.", extend.Error.Text);
    }

    [Fact]
    public async Task An_order_is_placed_once_per_authorization_and_only_for_the_cart_approved()
    {
        var client = Client();
        var session = await client.CreateSessionAsync(merchant, Cart());
        var token = await ApproveAsync(session.SessionId);

        var otherCart = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.PlaceOrderAsync(merchant, token, Cart(shirts: 3)));
        var placed = await client.PlaceOrderAsync(merchant, token, Cart());
        var again = await client.PlaceOrderAsync(merchant, token, Cart());
        var changed = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.PlaceOrderAsync(merchant, token, Cart() with { MerchantReference1 = "ORDER-2" }));
        var unknown = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.PlaceOrderAsync(merchant, Guid.NewGuid().ToString(), Cart()));

        Assert.Equal((409, "Not matching fields: [order_amount]"), (otherCart.Status, otherCart.Error.Text));
        Assert.Equal(placed.OrderId, again.OrderId);
        Assert.Equal("The order has been already completed with different request body", changed.Error.Text);
        Assert.Equal((404, "Invalid authorization token"), (unknown.Status, unknown.Error.Text));
        Assert.Single(Sandbox.Executions, e => e.Operation == "place-order");
    }

    [Fact]
    public async Task A_cart_whose_tax_does_not_add_up_is_refused_by_its_path()
    {
        var cart = Cart() with { OrderLines = [Cart().OrderLines[0] with { TotalTaxAmount = 700 }, Cart().OrderLines[1]] };

        var refused = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateSessionAsync(merchant, cart));

        Assert.Equal(("BAD_VALUE", "Bad value: order_lines[0].total_tax_amount differs from the calculated value [798] by more than [1]"), (refused.Error.ErrorCode, refused.Error.Text));
    }

    [Fact]
    public async Task A_closed_period_pays_out_the_captures_and_refunds_less_fees_with_each_line_named()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        var captureId = await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(5990, "C-7"), "c");
        var refundId = await client.RefundAsync(merchant, orderId, new KlarnaRefundRequest(990, "R-7"), "r");

        (await Control.PostAsync("payouts/close", null)).EnsureSuccessStatusCode();
        var payout = Assert.Single((await client.PayoutsAsync(merchant, time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(1), "EUR")).Payouts);
        var lines = (await client.TransactionsAsync(merchant, payout.PaymentReference)).Transactions;

        var fee = -(5990 * 290 / 10_000 + 30);
        Assert.Equal((5990L, -990L, (long)fee, 5990L - 990 + fee, "PN_SHOP"), (payout.Totals.SaleAmount, payout.Totals.ReturnAmount, payout.Totals.FeeAmount, payout.Totals.SettlementAmount, payout.MerchantId));
        Assert.Equal([("SALE", captureId, (string?)null, 5990L), ("RETURN", captureId, refundId, -990L), ("FEE", captureId, null, (long)fee)],
            lines.Select(l => (l.Type, l.CaptureId, l.RefundId, l.Amount)));
        Assert.Equal(("C-7", "R-7"), (lines[0].MerchantCaptureReference, lines[1].MerchantRefundReference));
        Assert.Empty((await Client().PayoutsAsync(new KlarnaRestCredentials(baseAddress, "PK_other", "other-secret"), time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(1))).Payouts);
    }

    [Fact]
    public async Task The_control_api_lists_the_merchants_and_resets_everything()
    {
        var orderId = await PlaceAsync();

        var merchants = await Control.GetStringAsync("merchants");
        (await Control.PostAsync("reset", null)).EnsureSuccessStatusCode();

        Assert.Contains("\"password\":\"shop-secret\"", merchants, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Control.GetAsync($"orders/{orderId}")).StatusCode);
        Assert.Empty(Sandbox.Executions);
    }
}
