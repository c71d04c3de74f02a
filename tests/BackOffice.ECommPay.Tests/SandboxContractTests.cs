using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.ECommPay.Sandbox;
using BackOffice.Sandbox.Kit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.ECommPay.Tests;

/// <summary>
/// The client against the sandbox over real HTTP, with a shop that takes the callbacks: the payment page, a Gate
/// sale, refunds with ECommPay's refusals, status, lost answers, and callbacks retried on ECommPay's schedule.
/// </summary>
public sealed class SandboxContractTests : IAsyncLifetime
{
    private const string Key = "project-secret";
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<JsonElement> received = new();
    private readonly ConcurrentQueue<int> shopAnswers = new();
    private WebApplication app = null!;
    private Uri root = null!;
    private ECommPayProject project = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ECommPaySandbox:ControlApi"] = "true",
            ["ECommPaySandbox:RefundDelayMs"] = "0",
            ["ECommPaySandbox:Projects:0:ProjectId"] = "239",
            ["ECommPaySandbox:Projects:0:SecretKey"] = Key,
            ["ECommPaySandbox:Projects:1:ProjectId"] = "240",
            ["ECommPaySandbox:Projects:1:SecretKey"] = "other-secret",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddECommPaySandbox();
        app = builder.Build();
        app.MapECommPaySandbox("/sandbox/ecommpay");
        app.MapPost("/shop/callbacks", async (HttpContext context) =>
        {
            received.Enqueue((await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone());
            return Results.StatusCode(shopAnswers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        project = new ECommPayProject(new Uri(root, "sandbox/ecommpay/"), 239, Key);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Uri Shop => new(root, "shop/callbacks");

    private HttpClient Control => new() { BaseAddress = new Uri(root, "sandbox/ecommpay/_sandbox/") };

    private static ECommPayClient Client(TimeSpan? timeout = null) => new(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) });

    private async Task<JsonElement> CallbackAsync(Func<JsonElement, bool> which)
    {
        for (var i = 0; i < 200; i++)
        {
            if (received.FirstOrDefault(which) is { ValueKind: JsonValueKind.Object } callback)
                return callback;
            await Task.Delay(25);
        }
        throw new TimeoutException("No such callback arrived.");
    }

    private static Func<JsonElement, bool> Of(string paymentId, string operationType, string status) => c =>
        c.GetProperty("payment").GetProperty("id").GetString() == paymentId && c.GetProperty("operation").GetProperty("type").GetString() == operationType
        && c.GetProperty("operation").GetProperty("status").GetString() == status;

    /// <summary>A paid purchase as the payment page makes it, its callback received.</summary>
    private async Task PaidAsync(string paymentId, long amount = 10000)
    {
        using var paid = await Control.PostAsJsonAsync("payments", new { projectId = 239, paymentId, amount, currency = "EUR", callbackUrl = Shop.ToString() });
        paid.EnsureSuccessStatusCode();
        await CallbackAsync(Of(paymentId, "sale", "success"));
    }

    [Fact]
    public async Task The_payment_page_checks_the_signature_and_the_customers_payment_reaches_the_shop_as_a_signed_callback()
    {
        var url = ECommPayClient.PaymentPageUrl(new Uri(root, "sandbox/ecommpay/"), project, new ECommPayPurchase("KS-1", 2990, "EUR", "c-1", "Order KS-1", "de", CallbackUrl: Shop));
        using var browser = new HttpClient();

        var page = await browser.GetStringAsync(url);
        using var tampered = await browser.GetAsync(url.ToString().Replace("payment_amount=2990", "payment_amount=1", StringComparison.Ordinal));
        var fields = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        using var paid = await browser.PostAsync(url.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(fields.Append(new("outcome", "pay"))));
        var callback = await CallbackAsync(Of("KS-1", "sale", "success"));

        Assert.Contains("Pay with Klarna (Sofort)", page, StringComparison.Ordinal);
        Assert.Contains("29.90 EUR", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Contains("Invalid signature", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.True(ECommPaySignature.Verify(callback, Key));
        Assert.Equal(("success", "sofort", 2990L, "0"), (callback.GetProperty("payment").GetProperty("status").GetString(), callback.GetProperty("payment").GetProperty("method").GetString(),
            callback.GetProperty("payment").GetProperty("sum").GetProperty("amount").GetInt64(), callback.GetProperty("operation").GetProperty("code").GetString()));
        var payment = ECommPayClient.ReadPayment(callback);
        Assert.Equal(("KS-1", 239L, "sale"), (payment.Id, payment.ProjectId, payment.Operations.Single().Type));
    }

    [Fact]
    public async Task A_purchase_below_one_euro_or_one_the_customer_cancels_is_declined_with_20000()
    {
        using (await Control.PostAsJsonAsync("payments", new { projectId = 239, paymentId = "KS-SMALL", amount = 88, currency = "EUR", callbackUrl = Shop.ToString() }))
        using (await Control.PostAsJsonAsync("payments", new { projectId = 239, paymentId = "KS-NO", amount = 5000, currency = "EUR", outcome = "decline", callbackUrl = Shop.ToString() }))
        {
        }

        var small = await CallbackAsync(Of("KS-SMALL", "sale", "decline"));
        var cancelled = await CallbackAsync(Of("KS-NO", "sale", "decline"));

        Assert.Equal(("decline", "20000"), (small.GetProperty("payment").GetProperty("status").GetString(), small.GetProperty("operation").GetProperty("code").GetString()));
        Assert.Equal("20000", cancelled.GetProperty("operation").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Refunds_are_accepted_then_decided_by_callback_and_the_status_answer_holds_each_one()
    {
        await PaidAsync("KS-R");

        var part = await Client().RefundAsync(project, new ECommPayRefund("KS-R", "rf-1", "returned one", "10.0.0.1", 2500, "EUR", Shop));
        var partCallback = await CallbackAsync(Of("KS-R", "refund", "success"));
        var rest = await Client().RefundAsync(project, new ECommPayRefund("KS-R", "rf-2", "returned the rest", "10.0.0.1", CallbackUrl: Shop));
        await CallbackAsync(c => Of("KS-R", "refund", "success")(c) && c.GetProperty("payment").GetProperty("status").GetString() == "refunded");
        var status = await Client().StatusAsync(project, "KS-R");
        var nothingLeft = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project, new ECommPayRefund("KS-R", "rf-3", "again", "10.0.0.1", 1, "EUR")));

        Assert.NotEqual(part.RequestId, rest.RequestId);
        Assert.Equal(("partially refunded", part.RequestId, 2500L), (partCallback.GetProperty("payment").GetProperty("status").GetString(),
            partCallback.GetProperty("operation").GetProperty("request_id").GetString(), partCallback.GetProperty("operation").GetProperty("sum_initial").GetProperty("amount").GetInt64()));
        Assert.Equal("refunded", status.Status);
        Assert.Equal((2500L, "success"), (status.Refund("rf-1")!.SumInitial!.Amount, status.Refund("rf-1")!.Status));
        Assert.Equal(7500L, status.Refund("rf-2")!.SumInitial!.Amount);
        Assert.Equal(("3060", ECommPayOutcome.Rejected), (nothingLeft.Code, nothingLeft.Outcome));
    }

    [Fact]
    public async Task The_refusals_follow_the_protocol_and_a_refund_above_what_is_left_is_declined_by_callback()
    {
        await PaidAsync("KS-E");
        var refund = new ECommPayRefund("KS-E", "rf-1", "part", "10.0.0.1", 6000, "EUR", Shop);

        var wrongKey = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project with { SecretKey = "guess" }, refund));
        var unknown = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project, refund with { PaymentId = "KS-NONE" }));
        var currency = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project, refund with { Currency = "GBP" }));
        await Client().RefundAsync(project, refund);
        var duplicate = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project, refund));
        await Client().RefundAsync(project, refund with { MerchantRefundId = "rf-2" });
        var declined = await CallbackAsync(Of("KS-E", "refund", "decline"));
        var status = await Client().StatusAsync(project, "KS-E");

        Assert.Equal(["3261", "3061", "3284", "3230"], new[] { wrongKey.Code, unknown.Code, currency.Code, duplicate.Code });
        Assert.Equal(ECommPayOutcome.Duplicate, duplicate.Outcome);
        Assert.Equal(("3283", "decline"), (declined.GetProperty("operation").GetProperty("code").GetString(), declined.GetProperty("payment").GetProperty("status").GetString()));
        Assert.Equal(("partially refunded", "decline"), (status.Status, status.Refund("rf-2")!.Status));
    }

    [Fact]
    public async Task A_refund_whose_answer_was_lost_is_found_by_a_status_request_and_not_made_twice()
    {
        await PaidAsync("KS-L");
        using (await Control.PostAsJsonAsync("failures", new SandboxInjection("refund", SandboxFailure.ServerError, AfterExecution: true)))
        {
        }

        await Assert.ThrowsAsync<ECommPayOutcomeUnknownException>(() => Client().RefundAsync(project, new ECommPayRefund("KS-L", "rf-lost", "part", "10.0.0.1", 1000, "EUR", Shop)));
        var found = (await Client().StatusAsync(project, "KS-L")).Refund("rf-lost");
        var again = await Assert.ThrowsAsync<ECommPayRefusedException>(() => Client().RefundAsync(project, new ECommPayRefund("KS-L", "rf-lost", "part", "10.0.0.1", 1000, "EUR", Shop)));

        Assert.Equal(1000L, found!.SumInitial!.Amount);
        Assert.Equal("3230", again.Code);
        Assert.Single((await Client().StatusAsync(project, "KS-L")).Operations, o => o.Type == "refund");
    }

    [Fact]
    public async Task A_line_dropped_after_a_refund_makes_it_unknown_at_once_from_the_network_error()
    {
        await PaidAsync("KS-D");
        using (await Control.PostAsJsonAsync("failures", new SandboxInjection("refund", SandboxFailure.Drop, AfterExecution: true)))
        {
        }

        var lost = await Assert.ThrowsAsync<ECommPayOutcomeUnknownException>(() => Client().RefundAsync(project, new ECommPayRefund("KS-D", "rf-dropped", "part", "10.0.0.1", 1000, "EUR", Shop)));

        Assert.IsType<HttpRequestException>(lost.InnerException);
        Assert.Single((await Client().StatusAsync(project, "KS-D")).Operations, o => o.Type == "refund");
    }

    [Fact]
    public async Task A_callback_the_shop_refuses_is_tried_again_on_ecommpays_schedule_and_a_forged_resend_does_not_verify()
    {
        shopAnswers.Enqueue(500);
        shopAnswers.Enqueue(503);
        using (await Control.PostAsJsonAsync("payments", new { projectId = 239, paymentId = "KS-T", amount = 1500, currency = "EUR", callbackUrl = Shop.ToString() }))
        {
        }

        // ECommPay waits 10 s after each of the first failures: the sandbox's clock is moved on until the next attempt comes.
        for (var i = 0; i < 400 && received.Count < 3; i++)
        {
            await Task.Delay(25);
            if (received.Count > 0)
                time.Advance(TimeSpan.FromSeconds(10));
        }
        await WaitAsync(() => received.Count == 3);
        var log = await Control.GetFromJsonAsync<JsonElement>("callbacks");
        using var forged = await Control.PostAsync("callbacks/1/resend?forged=true", null);
        await WaitAsync(() => received.Count == 4);

        var attempts = log[0].GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()).ToList();
        Assert.Equal([500, 503, 200], attempts);
        Assert.True(log[0].GetProperty("delivered").GetBoolean());
        Assert.All(received.Take(3), c => Assert.True(ECommPaySignature.Verify(c, Key)));
        Assert.False(ECommPaySignature.Verify(received.Last(), Key));
    }

    [Fact]
    public async Task A_gate_sale_waits_at_the_bank_with_redirect_data_and_ends_when_the_customer_comes_back()
    {
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["general"] = new System.Text.Json.Nodes.JsonObject { ["project_id"] = 239, ["payment_id"] = "KS-G", ["merchant_callback_url"] = Shop.ToString() },
            ["payment"] = new System.Text.Json.Nodes.JsonObject { ["amount"] = 4200, ["currency"] = "EUR", ["description"] = "Order KS-G" },
            ["customer"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "c-9", ["ip_address"] = "10.0.0.9" },
        };
        body["general"]!["signature"] = ECommPaySignature.Sign(JsonSerializer.SerializeToElement(body), Key);
        using var sale = await new HttpClient().PostAsync(new Uri(project.BaseAddress, "v2/payment/online-banking/sofort/sale"), new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var waiting = await CallbackAsync(Of("KS-G", "sale", "awaiting redirect result"));
        var bank = waiting.GetProperty("redirect_data").GetProperty("url").GetString()!;
        using var back = await new HttpClient().PostAsync(bank, new FormUrlEncodedContent([new("outcome", "pay")]));
        var paid = await CallbackAsync(Of("KS-G", "sale", "success"));

        Assert.Equal(HttpStatusCode.OK, sale.StatusCode);
        Assert.Equal("processing", waiting.GetProperty("payment").GetProperty("status").GetString());
        Assert.True(ECommPaySignature.Verify(paid, Key));
        Assert.Equal("success", (await Client().StatusAsync(project, "KS-G")).Status);
    }

    [Fact]
    public void The_retry_schedule_is_ecommpays()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), ECommPayRetrySchedule.After(1));
        Assert.Equal(TimeSpan.FromSeconds(10), ECommPayRetrySchedule.After(6));
        Assert.Equal(70 + 10 * Math.Pow(1.12, 3), ECommPayRetrySchedule.After(7)!.Value.TotalSeconds, 3);
        Assert.Equal(TimeSpan.FromHours(4), ECommPayRetrySchedule.After(119));
        Assert.Null(ECommPayRetrySchedule.After(120));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
            await Task.Delay(25);
        Assert.True(condition());
    }
}
