using System.Net.Http.Json;
using BackOffice.Computop.Sandbox;
using BackOffice.Sandbox.Kit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Computop.Tests;

/// <summary>
/// The client against the sandbox over real HTTP: the amount rules of PROTOCOL.md §7, the refusals of §4, ReqId
/// replay (§5) and the control API.
/// </summary>
public sealed class SandboxContractTests : IAsyncLifetime
{
    private static readonly PaygateCredentials Merchant = new("KP_TestShop", "hmac-key-for-docs-only", "bf-Key-4-docs");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string ContentType, Dictionary<string, string> Form)> received = new();
    private WebApplication app = null!;
    private Uri baseAddress = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ComputopSandbox:ControlApi"] = "true",
            ["ComputopSandbox:Merchants:0:MerchantId"] = Merchant.MerchantId,
            ["ComputopSandbox:Merchants:0:HmacKey"] = Merchant.HmacKey,
            ["ComputopSandbox:Merchants:0:BlowfishPassword"] = Merchant.BlowfishPassword,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddComputopSandbox();
        app = builder.Build();
        app.MapComputopSandbox();
        // The shop's URLNotify: the first delivery fails, as a shop that is down would.
        app.MapPost("/shop/notify", async (HttpContext context) =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            received.Enqueue((context.Request.ContentType ?? "", form));
            return received.Count == 1 ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok();
        });
        await app.StartAsync();
        baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ComputopClient Client(TimeSpan? timeout = null) => new(new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) });

    private HttpClient Control => new() { BaseAddress = new Uri(baseAddress, "_sandbox/") };

    private async Task<SandboxPayment> AuthorizeAsync(long amount = 4990, string currency = "EUR")
    {
        var response = await Control.PostAsJsonAsync("payments", new { merchantId = Merchant.MerchantId, transId = "ORD-" + Guid.NewGuid().ToString("N")[..8], amount, currency });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SandboxPayment>())!;
    }

    private async Task<SandboxPayment> PaymentAsync(string payId) => (await Control.GetFromJsonAsync<SandboxPayment>($"payments/{payId}"))!;

    private static CaptureRequest Capture(SandboxPayment p, long amount, string reqId, bool complete = false) => new(p.PayId, p.TransId, amount, p.Currency, reqId, Complete: complete);

    [Fact]
    public async Task Partial_captures_up_to_the_authorization_each_with_its_own_xid_and_invoice_then_the_inquiry_adds_them_up()
    {
        var payment = await AuthorizeAsync(4990);
        var client = Client();

        var first = await client.CaptureAsync(Merchant, Capture(payment, 2000, "C1"));
        var second = await client.CaptureAsync(Merchant, Capture(payment, 2990, "C2"));
        var inquiry = await client.InquireAsync(Merchant, payment.PayId, payment.TransId);

        Assert.All([first, second], a => Assert.Equal(PaygateOutcome.Succeeded, a.Outcome));
        Assert.NotEqual(first.XId, second.XId);
        Assert.NotEqual(first.InvoiceNumber, second.InvoiceNumber);
        Assert.Equal(((long?)4990, (long?)4990, (long?)0), (inquiry.AmountAuthorized, inquiry.AmountCaptured, inquiry.AmountCredited));
        Assert.Equal(SandboxPaymentState.Captured, (await PaymentAsync(payment.PayId)).State);
    }

    [Fact]
    public async Task Each_amount_rule_refuses_and_changes_nothing()
    {
        var payment = await AuthorizeAsync(4990);
        var client = Client();

        Assert.Equal(ComputopSandbox.CaptureTooMuch, (await client.CaptureAsync(Merchant, Capture(payment, 4991, "X1"))).Code);
        Assert.Equal(ComputopSandbox.CurrencyMismatch, (await client.CaptureAsync(Merchant, Capture(payment, 100, "X2") with { Currency = "SEK" })).Code);
        Assert.Equal(ComputopSandbox.NotAllowedInState, (await client.CreditAsync(Merchant, new CreditRequest(payment.PayId, payment.TransId, 100, "EUR", "X3"))).Code);
        Assert.Equal(ComputopSandbox.ReverseNotRemaining, (await client.ReverseAsync(Merchant, new ReverseRequest(payment.PayId, payment.TransId, 100, "EUR", "X4"))).Code);
        Assert.Equal(ComputopSandbox.NothingToRelease, (await client.CaptureAsync(Merchant, Capture(payment, 4990, "X5", complete: true))).Code);

        Assert.Equal(new SandboxPayment(payment.PayId, Merchant.MerchantId, payment.TransId, "EUR", SandboxPaymentState.Authorized, 4990, 0, 0, 0), await PaymentAsync(payment.PayId));
    }

    [Fact]
    public async Task A_final_capture_releases_the_rest_and_credits_stay_within_what_was_captured()
    {
        var payment = await AuthorizeAsync(4990);
        var client = Client();

        Assert.Equal(PaygateOutcome.Succeeded, (await client.CaptureAsync(Merchant, Capture(payment, 3000, "F1", complete: true))).Outcome);
        Assert.Equal(ComputopSandbox.NotAllowedInState, (await client.CaptureAsync(Merchant, Capture(payment, 100, "F2"))).Code);
        Assert.Equal((long?)3000, (await client.InquireAsync(Merchant, payment.PayId, payment.TransId)).AmountAuthorized);
        Assert.Equal(ComputopSandbox.CreditTooMuch, (await client.CreditAsync(Merchant, new CreditRequest(payment.PayId, payment.TransId, 3001, "EUR", "F3"))).Code);
        var credit = await client.CreditAsync(Merchant, new CreditRequest(payment.PayId, payment.TransId, 3000, "EUR", "F4"));

        Assert.Equal(PaygateOutcome.Succeeded, credit.Outcome);
        Assert.NotNull(credit.InvoiceNumber);
        Assert.Equal(new SandboxPayment(payment.PayId, Merchant.MerchantId, payment.TransId, "EUR", SandboxPaymentState.Refunded, 4990, 3000, 3000, 1990), await PaymentAsync(payment.PayId));
    }

    [Fact]
    public async Task A_reverse_releases_exactly_what_remains_once()
    {
        var payment = await AuthorizeAsync(4990);
        var client = Client();

        Assert.Equal(PaygateOutcome.Succeeded, (await client.ReverseAsync(Merchant, new ReverseRequest(payment.PayId, payment.TransId, 4990, "EUR", "R1"))).Outcome);
        Assert.Equal(ComputopSandbox.NothingToRelease, (await client.ReverseAsync(Merchant, new ReverseRequest(payment.PayId, payment.TransId, 4990, "EUR", "R2"))).Code);
        Assert.Equal(SandboxPaymentState.Reversed, (await PaymentAsync(payment.PayId)).State);
    }

    [Fact]
    public async Task Before_the_first_capture_the_order_can_be_lowered_and_renamed_and_after_it_its_invoice_sent_again()
    {
        var payment = await AuthorizeAsync(4990);
        var client = Client();
        const string lines = "eyJvcmRlcl9saW5lcyI6W119";

        Assert.Equal(ComputopSandbox.CaptureTooMuch, (await client.ChangeOrderAsync(Merchant, payment.PayId, payment.TransId, 5000, "EUR", lines)).Code);
        Assert.Equal(PaygateOutcome.Succeeded, (await client.ChangeOrderAsync(Merchant, payment.PayId, payment.TransId, 3990, "EUR", lines)).Outcome);
        Assert.Equal(PaygateOutcome.Succeeded, (await client.ChangeReferenceAsync(Merchant, payment.PayId, payment.TransId, "REF-NEW")).Outcome);
        Assert.Equal(ComputopSandbox.CaptureTooMuch, (await client.CaptureAsync(Merchant, Capture(payment, 3991, "U1"))).Code);
        var capture = await client.CaptureAsync(Merchant, Capture(payment, 1000, "U2"));

        Assert.Equal(ComputopSandbox.NotAllowedInState, (await client.ChangeOrderAsync(Merchant, payment.PayId, payment.TransId, 2000, "EUR", lines)).Code);
        Assert.Equal(PaygateOutcome.Succeeded, (await client.ResendInvoiceAsync(Merchant, payment.PayId, payment.TransId, capture.InvoiceNumber!)).Outcome);
        Assert.Equal(ComputopSandbox.NotAllowedInState, (await client.ResendInvoiceAsync(Merchant, payment.PayId, payment.TransId, "INV-UNKNOWN")).Code);
        Assert.Equal((3990L, 1000L, "REF-NEW"), (await PaymentAsync(payment.PayId)) is var p ? (p.Authorized, p.Captured, p.RefNr) : default);
    }

    [Fact]
    public async Task A_capture_lost_on_the_way_back_is_inquired_and_repeated_with_its_reqid_without_capturing_twice()
    {
        var payment = await AuthorizeAsync(4990);
        (await Control.PostAsJsonAsync("failures", new SandboxInjection("capture", SandboxFailure.Timeout, AfterExecution: true))).EnsureSuccessStatusCode();

        await Assert.ThrowsAsync<ComputopOutcomeUnknownException>(() => Client(TimeSpan.FromMilliseconds(500)).CaptureAsync(Merchant, Capture(payment, 2500, "CAP-LOST-1")));
        var inquiry = await Client().InquireAsync(Merchant, payment.PayId, payment.TransId);
        var repeated = await Client().CaptureAsync(Merchant, Capture(payment, 2500, "CAP-LOST-1"));
        var again = await Client().CaptureAsync(Merchant, Capture(payment, 2500, "CAP-LOST-1"));

        Assert.Equal((long?)2500, inquiry.AmountCaptured);
        Assert.Equal(PaygateOutcome.Succeeded, repeated.Outcome);
        Assert.Equal(repeated.XId, again.XId);
        Assert.Equal(2500, (await PaymentAsync(payment.PayId)).Captured);
        Assert.Equal(3, (await Control.GetFromJsonAsync<Dictionary<string, int>>("calls"))!["capture"]);
        Assert.Empty(app.Services.GetRequiredService<ComputopSandbox>().BlindRepeats);
    }

    [Fact]
    public async Task A_line_dropped_after_a_capture_makes_it_unknown_at_once_from_the_network_error()
    {
        var payment = await AuthorizeAsync(4990);
        (await Control.PostAsJsonAsync("failures", new SandboxInjection("capture", SandboxFailure.Drop, AfterExecution: true))).EnsureSuccessStatusCode();

        var lost = await Assert.ThrowsAsync<ComputopOutcomeUnknownException>(() => Client().CaptureAsync(Merchant, Capture(payment, 2500, "CAP-DROPPED")));

        Assert.IsType<HttpRequestException>(lost.InnerException);
        Assert.Equal(2500, (await PaymentAsync(payment.PayId)).Captured);
    }

    [Fact]
    public async Task A_refusal_is_final_too_and_its_reqid_answers_it_again()
    {
        var payment = await AuthorizeAsync(1000);
        var client = Client();

        var refused = await client.CaptureAsync(Merchant, Capture(payment, 5000, "SAME"));
        var repeat = await client.CaptureAsync(Merchant, Capture(payment, 500, "SAME"));

        Assert.Equal((ComputopSandbox.CaptureTooMuch, refused.XId), (repeat.Code, repeat.XId));
        Assert.Equal(0, (await PaymentAsync(payment.PayId)).Captured);
        // Sent again without asking first: a Paygate that kept no answers would have acted twice.
        Assert.Equal(["capture SAME sent again without an inquiry"], app.Services.GetRequiredService<ComputopSandbox>().BlindRepeats);
    }

    [Theory]
    [InlineData(null, "0")]
    [InlineData("KP_OtherShop", ComputopSandbox.DataBad)]
    public async Task A_capture_with_the_merchant_id_only_in_the_clear_is_taken_as_paygate_takes_it_and_another_inside_is_refused(string? inside, string code)
    {
        var payment = await AuthorizeAsync(4990);
        List<KeyValuePair<string, string>> fields =
        [
            new("PayID", payment.PayId), new("TransID", payment.TransId), new("Amount", "1000"), new("Currency", "EUR"), new("ReqId", "CLEAR-1"),
            new("MAC", PaygateMac.OfRequest(Merchant.HmacKey, payment.PayId, payment.TransId, Merchant.MerchantId, 1000, "EUR")),
        ];
        if (inside is not null)
            fields.Insert(0, new("MerchantID", inside));
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write(fields), Merchant.BlowfishPassword);

        using var http = new HttpClient { BaseAddress = baseAddress };
        var response = await http.PostAsync("capture.aspx", new FormUrlEncodedContent(
            [new("MerchantID", Merchant.MerchantId), new("Len", len.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Data", data)]));
        var answer = new PaygateAnswer(PaygateMessage.Open(PaygateFields.Read((await response.Content.ReadAsStringAsync()).Trim())
            .ToDictionary(f => f.Key, f => Uri.UnescapeDataString(f.Value), StringComparer.OrdinalIgnoreCase), Merchant.BlowfishPassword));

        Assert.StartsWith(code, answer.Code, StringComparison.Ordinal);
        Assert.Equal(inside is null ? 1000 : 0, (await PaymentAsync(payment.PayId)).Captured);
    }

    [Fact]
    public async Task A_wrong_mac_an_unknown_merchant_or_an_unknown_payment_is_refused_and_nothing_happens()
    {
        var payment = await AuthorizeAsync(4990);

        var forged = await Client().CaptureAsync(Merchant with { HmacKey = "not-the-key" }, Capture(payment, 100, "M1"));
        var stranger = await Client().CaptureAsync(new PaygateCredentials("Nobody", "some-key", "some-password"), Capture(payment, 100, "M2"));
        var unknown = await Client().InquireAsync(Merchant, "ffffffffffffffffffffffffffffffff", "T");

        Assert.Equal((ComputopSandbox.MacBad, true), (forged.Code, forged.IsFatal));
        Assert.Equal((ComputopSandboxEndpoints.UnknownMerchant, PaygateOutcome.Refused), (stranger.Code, stranger.Outcome));
        Assert.Equal((ComputopSandbox.PaymentNotFound, "PAYMENT NOT FOUND"), (unknown.Code, unknown.Description));
        Assert.Equal(0, (await PaymentAsync(payment.PayId)).Captured);
    }

    [Fact]
    public async Task An_authorization_is_notified_with_paygates_mac_and_tried_again_on_the_retry_schedule_until_the_shop_takes_it()
    {
        var response = await Control.PostAsJsonAsync("payments", new { merchantId = Merchant.MerchantId, transId = "ORD-NOTIFY-1", amount = 4990, currency = "EUR", notifyUrl = new Uri(baseAddress, "shop/notify").ToString() });
        var payment = (await response.Content.ReadFromJsonAsync<SandboxPayment>())!;

        var first = await AttemptsAsync(1);
        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.Single(received);
        time.Advance(TimeSpan.FromSeconds(1));
        var second = await AttemptsAsync(2);

        Assert.Equal((503, false), (first[0].HttpStatus, first[0].Delivered));
        Assert.Equal((200, true, time.GetUtcNow()), (second[1].HttpStatus, second[1].Delivered, second[1].At));
        var (contentType, form) = received.Last();
        Assert.Contains("charset=iso-8859-1", contentType, StringComparison.OrdinalIgnoreCase);
        var notification = PaygateMessage.ReadNotification(Merchant, form);
        Assert.Equal((payment.PayId, "ORD-NOTIFY-1", "OK", PaygateOutcome.Succeeded), (notification.PayId, notification.TransId, notification.Status, notification.Outcome));
    }

    private async Task<List<NotificationAttempt>> AttemptsAsync(int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var attempts = (await Control.GetFromJsonAsync<List<NotificationAttempt>>("notifications"))!;
            if (attempts.Count >= count)
                return attempts;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{count} notification attempts were expected.");
    }

    [Fact]
    public async Task An_injected_refusal_and_a_server_error_before_execution_change_nothing_and_reset_forgets_everything()
    {
        var payment = await AuthorizeAsync(4990);
        (await Control.PostAsJsonAsync("failures", new SandboxInjection("capture", SandboxFailure.Fault, Code: 21000005))).EnsureSuccessStatusCode();
        (await Control.PostAsJsonAsync("failures", new SandboxInjection("capture", SandboxFailure.ServerError))).EnsureSuccessStatusCode();

        Assert.Equal("21000005", (await Client().CaptureAsync(Merchant, Capture(payment, 100, "I1"))).Code);
        await Assert.ThrowsAsync<ComputopOutcomeUnknownException>(() => Client().CaptureAsync(Merchant, Capture(payment, 100, "I2")));
        Assert.Equal(0, (await PaymentAsync(payment.PayId)).Captured);

        (await Control.PostAsync("reset", null)).EnsureSuccessStatusCode();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Control.GetAsync($"payments/{payment.PayId}")).StatusCode);
    }
}
