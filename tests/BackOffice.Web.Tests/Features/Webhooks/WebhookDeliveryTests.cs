using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.Overview;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Webhooks;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Webhooks;

/// <summary>
/// The shop's endpoint, a real HTTP server, hears what happened to orders of every provider: signed, in order per order,
/// each event accepted once, also after it answered 500 for a while; one failing too long is disabled and shown.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Key = "bo_test-webhook-delivery-key";
    private static readonly string[] MoneyEvents = [WebhookEventTypes.Captured, WebhookEventTypes.Refunded, WebhookEventTypes.Cancelled];

    private readonly BackOfficeAppFactory app = new()
    {
        Settings =
        {
            ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000", ["ECommPaySandbox:RefundDelayMs"] = "50",
            ["Webhooks:FirstRetry"] = "00:00:00.100", ["Webhooks:LongestWait"] = "00:00:00.400",
            ["Webhooks:DisableAfter"] = "00:00:03",
        },
    };

    private WebhookReceiver receiver = null!;

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private System.Security.Claims.ClaimsPrincipal Administrator => app.Staff(Roles.Administrator);

    private TransactionService Transactions => app.Service<TransactionService>();

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        await app.StartWithECommPayAsync();
        await app.SetUpKlarnaRestAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_shops_endpoint_gets_signed_money_events_of_every_provider_in_order_once_each_also_after_answering_500_for_a_while()
    {
        var endpoints = app.Service<WebhookEndpoints>();
        var (_, demoSecret) = await endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), MoneyEvents);
        var (_, computopSecret) = await endpoints.CreateAsync(Administrator, ComputopOrders.Channel, receiver.Address("computop"), MoneyEvents);
        receiver.FailNext(5);

        var legacy = (await DemoReservations.ReserveAsync(app)).Id;
        var computop = await app.AuthorizeAsync("WH-COMPUTOP");
        var rest = await app.PlaceKlarnaRestOrderAsync("WH-REST");
        foreach (var id in new[] { legacy, computop, rest })
        {
            Assert.True((await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1_000))).Succeeded);
            Assert.True((await Transactions.RefundAsync(Clerk, id, new RefundRequest((await InvoicesAsync(id))[0], Amount: 400, VatPercent: 19))).Succeeded);
            Assert.True((await Transactions.CancelAsync(Clerk, id)).Succeeded);
        }
        var sofort = await app.PaySofortAsync("WH-SOFORT", Key);
        await Transactions.RefundAsync(Clerk, sofort, new RefundRequest((await InvoicesAsync(sofort))[0], Amount: 500, VatPercent: 19));
        var orders = new Dictionary<Guid, string[]>
        {
            [legacy] = MoneyEvents, [computop] = MoneyEvents, [rest] = MoneyEvents, [sofort] = [WebhookEventTypes.Captured, WebhookEventTypes.Refunded],
        };
        await receiver.WaitForAsync(_ => receiver.Accepted.Count >= orders.Values.Sum(e => e.Length));

        Assert.Equal(5, receiver.All.Count(r => r.Answered == 500));
        Assert.All(receiver.All, r => Assert.True(WebhookReceiver.Verifies(r.Signature, r.Path == "demo" ? demoSecret : computopSecret, r.Body), $"{r.Type} {r.EventId} is not signed with its endpoint's secret."));
        var accepted = receiver.Accepted;
        Assert.Equal(accepted.Count, accepted.Select(r => r.EventId).Distinct().Count());
        foreach (var (id, expected) in orders)
        {
            var books = await LoadAsync(id);
            var events = accepted.Where(r => r.Json.GetProperty("transaction_id").GetString() == id.ToString()).ToList();
            Assert.Equal(expected, events.Select(r => r.Type));
            Assert.All(events, r => Assert.Equal((books.OrderNumber, books.Reference, books.Provider.Key, "EUR"),
                (r.Json.GetProperty("order_number").GetString(), r.Json.GetProperty("provider_reference").GetString(), r.Json.GetProperty("provider").GetString(), r.Json.GetProperty("currency").GetString())));
            Assert.Equal(books.CapturedAmount, events[0].Json.GetProperty("amount").GetInt64());
            Assert.Equal(books.RefundedAmount, events[1].Json.GetProperty("amount").GetInt64());
            if (events.Count == 3)
                Assert.Equal(books.AuthorizedAmount - books.CapturedAmount, events[2].Json.GetProperty("amount").GetInt64());
        }
    }

    [Fact]
    public async Task An_endpoint_failing_too_long_is_disabled_and_shown_and_once_enabled_gets_what_waited_in_order()
    {
        var endpoints = app.Service<WebhookEndpoints>();
        var (endpointId, secret) = await endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), [WebhookEventTypes.Captured, WebhookEventTypes.Refunded]);
        receiver.Fail();
        var id = await app.PlaceKlarnaRestOrderAsync("WH-DISABLED");
        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1_000));

        for (var until = DateTime.UtcNow.AddSeconds(30); (await endpoints.FindAsync(endpointId))!.Enabled && DateTime.UtcNow < until;)
            await Task.Delay(50);
        var disabled = (await endpoints.FindAsync(endpointId))!;
        Assert.False(disabled.Enabled);
        Assert.Contains(endpointId, (await app.Service<OverviewQuery>().LoadAsync()).Attention.DisabledWebhooks.Select(w => w.Id));

        await Transactions.RefundAsync(Clerk, id, new RefundRequest((await InvoicesAsync(id))[0], Amount: 300, VatPercent: 19));
        var triedWhileDisabled = receiver.All.Count;
        await Task.Delay(500);
        Assert.Equal(triedWhileDisabled, receiver.All.Count);
        receiver.Recover();
        await endpoints.EnableAsync(Administrator, endpointId);
        await receiver.WaitForAsync(all => all.Count(r => r.Answered == 200) == 2);

        Assert.Equal([WebhookEventTypes.Captured, WebhookEventTypes.Refunded], receiver.Accepted.Select(r => r.Type));
        Assert.All(receiver.All, r => Assert.True(WebhookReceiver.Verifies(r.Signature, secret, r.Body)));
        Assert.DoesNotContain(endpointId, (await app.Service<OverviewQuery>().LoadAsync()).Attention.DisabledWebhooks.Select(w => w.Id));
        var log = await endpoints.DeliveriesAsync(endpointId);
        Assert.All(log, d => Assert.Equal(WebhookDeliveryState.Delivered, d.State));
        Assert.True(log.Single(d => d.Type == WebhookEventTypes.Captured).Attempts > 1);
        var attempts = await endpoints.AttemptsAsync(log.Single(d => d.Type == WebhookEventTypes.Captured).Id);
        Assert.Equal((500, 200), (attempts[0].Status, attempts[^1].Status));
    }

    private async Task<List<string>> InvoicesAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Invoices.Where(i => i.TransactionId == id).OrderBy(i => i.CapturedAt).Select(i => i.InvoiceNumber).ToListAsync();
    }

    private async Task<Transaction> LoadAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }
}
