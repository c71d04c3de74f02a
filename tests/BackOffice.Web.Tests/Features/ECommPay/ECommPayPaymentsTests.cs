using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.ECommPay;

/// <summary>
/// Sofort through ECommPay end to end over HTTP: the shop starts a payment, the sandbox's page takes it, the signed
/// callback opens the transaction paid; a refund is pending until its callback; forged and repeated callbacks change nothing.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ECommPayPaymentsTests : IAsyncLifetime
{
    private const string Key = "bo_test-ecommpay-key";
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000" } };


    public Task InitializeAsync() => app.StartWithECommPayAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private HttpClient Control => new() { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/ecommpay/_sandbox/") };

    private async Task<Transaction> BooksAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<Operation> OperationAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Operations.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
            await Task.Delay(25);
        Assert.True(await condition());
    }

    [Fact]
    public async Task A_paid_sofort_payment_arrives_captured_in_full_with_the_shops_basket_and_a_refund_is_pending_until_its_callback()
    {
        var id = await app.PaySofortAsync("KS-1", Key);
        var books = await BooksAsync(id);
        var klarna = app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, books.Reference)!;

        Assert.Equal((TransactionState.Captured, 3490L, 3490L, "2390"), (books.State, books.CapturedAmount, books.AuthorizedAmount, books.Merchant));
        Assert.Equal(["A1", "SHIP"], books.Lines.Select(l => l.ArticleNumber));
        Assert.Equal(("success", 3490L), (klarna.Status, klarna.Amount));

        var refund = await app.Service<TransactionService>().RefundAsync(Clerk, id, new RefundRequest(klarna.Sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 1000));

        Assert.Equal(OperationState.Unknown, refund.State);
        Assert.Contains("ECommPay took the refund", refund.Message.ToString(), StringComparison.Ordinal);
        await EventuallyAsync(async () => (await OperationAsync(refund.OperationId)).State == OperationState.Succeeded);
        books = await BooksAsync(id);
        Assert.Equal((TransactionState.PartRefunded, 1000L, (Guid?)null), (books.State, books.RefundedAmount, books.ActiveOperationId));
        Assert.Equal((1000L, "partially refunded"), (klarna.RefundedAmount, klarna.Status));
        Assert.Equal(klarna.Operations[1].RequestId, (await OperationAsync(refund.OperationId)).ProviderReference);
    }

    [Fact]
    public async Task A_refund_made_in_ecommpays_dashboard_is_booked_once_as_ecommpays_and_the_books_stay_equal()
    {
        var id = await app.PaySofortAsync("KS-DASH", Key);
        var books = await BooksAsync(id);
        var connections = app.Service<ECommPayConnections>();
        var (_, project) = await connections.ForAsync(books);

        await connections.Client().RefundAsync(project, new BackOffice.ECommPay.ECommPayRefund(books.Reference, "dashboard-1", "Goodwill", "10.0.0.1", 700, "EUR"));
        await EventuallyAsync(async () => (await BooksAsync(id)).RefundedAmount == 700);
        var deliveries = await Control.GetFromJsonAsync<JsonElement>("callbacks");
        var repeated = await (await Control.PostAsync($"callbacks/{deliveries.EnumerateArray().Last().GetProperty("id").GetInt32()}/resend", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(200, repeated.GetProperty("status").GetInt32());
        books = await BooksAsync(id);
        var klarna = app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, books.Reference)!;
        Assert.Equal((700L, TransactionState.PartRefunded), (books.RefundedAmount, books.State));
        Assert.Equal(klarna.RefundedAmount, books.RefundedAmount);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var booked = await db.Operations.AsNoTracking().SingleAsync(o => o.TransactionId == id && o.Kind == OperationKind.Refund);
        Assert.Equal((OperationState.Succeeded, ECommPayNotifications.Actor, klarna.Operations[^1].RequestId, 700L), (booked.State, booked.User, booked.ProviderReference, booked.Amount));
        Assert.Equal(2790L, (await db.Invoices.AsNoTracking().SingleAsync(i => i.TransactionId == id)).RefundableAmount);
    }

    [Fact]
    public async Task A_forged_callback_is_refused_and_audited_and_a_repeated_one_is_taken_once()
    {
        var id = await app.PaySofortAsync("KS-F", Key);
        var sale = app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, (await BooksAsync(id)).Reference)!.Sale;
        var refund = await app.Service<TransactionService>().RefundAsync(Clerk, id, new RefundRequest(sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 500));
        await EventuallyAsync(async () => (await OperationAsync(refund.OperationId)).State == OperationState.Succeeded);
        var deliveries = await Control.GetFromJsonAsync<JsonElement>("callbacks");
        var refundCallback = deliveries.EnumerateArray().Last().GetProperty("id").GetInt32();

        var forged = await (await Control.PostAsync($"callbacks/{refundCallback}/resend?forged=true", null)).Content.ReadFromJsonAsync<JsonElement>();
        var repeated = await (await Control.PostAsync($"callbacks/{refundCallback}/resend", null)).Content.ReadFromJsonAsync<JsonElement>();
        using var stranger = await new HttpClient().PostAsync(new Uri(app.ClientOptions.BaseAddress, "/notify/ecommpay/demo"), new StringContent("""{"payment":{"id":"x"},"signature":"AAAA"}"""));

        Assert.Equal((400, 200, HttpStatusCode.BadRequest), (forged.GetProperty("status").GetInt32(), repeated.GetProperty("status").GetInt32(), stranger.StatusCode));
        var books = await BooksAsync(id);
        Assert.Equal((500L, TransactionState.PartRefunded), (books.RefundedAmount, books.State));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Operations.CountAsync(o => o.TransactionId == id && o.Kind == OperationKind.Refund));
        Assert.Contains(await db.AuditEntries.AsNoTracking().Where(a => a.User == ECommPayNotifications.Actor).Select(a => a.Action).ToListAsync(), a => a == "Notification");
    }

    [Fact]
    public async Task A_shop_payment_outside_soforts_limits_or_for_an_order_already_paid_is_refused_and_stores_nothing()
    {
        await app.PaySofortAsync("KS-TWICE", Key);
        using var shop = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/api/v1/channels/demo/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", Key);
        object Payment(string orderNumber, long unitPrice, string currency = "EUR") => new
        {
            orderNumber, currency, country = "DE", lines = new[] { new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice, vatPercent = 19 } },
            customer = new { firstName = "Erika", lastName = "Musterfrau" },
        };

        using var tooMuch = await shop.PostAsJsonAsync("ecommpay/payments", Payment("KS-BIG", 250_001));
        using var usd = await shop.PostAsJsonAsync("ecommpay/payments", Payment("KS-USD", 1000, "USD"));
        using var twice = await shop.PostAsJsonAsync("ecommpay/payments", Payment("KS-TWICE", 1000));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity), (tooMuch.StatusCode, usd.StatusCode, twice.StatusCode));
        Assert.Contains("1.00 to 5,000.00", await tooMuch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(["KS-TWICE"], await db.ECommPayPaymentIntents.Select(i => i.OrderNumber).ToListAsync());
    }
}
