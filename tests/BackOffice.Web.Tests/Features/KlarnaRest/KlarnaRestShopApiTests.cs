using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>
/// The shop's side of Klarna Payments (direct), over HTTP with an API key: a session for the basket, the customer's
/// approval at the sandbox, and the order placed from it — once, also when sent again or when Klarna's answer is lost.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>); each begins with no transaction and the sandbox emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class KlarnaRestShopApiTests(KlarnaRestShopApiTests.App shared) : IClassFixture<KlarnaRestShopApiTests.App>, IAsyncLifetime
{
    private const string Key = "bo_test-klarna-rest-key";
    private static readonly JsonSerializerOptions ShopJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly BackOfficeAppFactory app = shared.Factory;
    private readonly HttpClient shop = shared.Shop;
    private readonly HttpClient control = shared.Control;

    /// <summary>The app of this class, its demo channel's Klarna Payments set up, a client with the shop's key and one for the sandbox's control API.</summary>
    public sealed class App : IAsyncLifetime
    {
        public BackOfficeAppFactory Factory { get; } = new() { Settings = { ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000", ["KlarnaRest:Timeout"] = "00:00:02" } };

        public HttpClient Shop { get; private set; } = null!;

        public HttpClient Control { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Factory.StartWithKlarnaRestAsync();
            Shop = new HttpClient { BaseAddress = new Uri(Factory.ClientOptions.BaseAddress, "/api/v1/channels/demo/") };
            Shop.DefaultRequestHeaders.Add("X-Api-Key", Key);
            Control = new HttpClient { BaseAddress = new Uri(Factory.ClientOptions.BaseAddress, "/sandbox/klarna-api/_sandbox/") };
        }

        public async Task DisposeAsync()
        {
            Shop.Dispose();
            Control.Dispose();
            await Factory.DisposeAsync();
        }
    }

    /// <summary>What the test before stored and left in the sandbox is gone.</summary>
    public async Task InitializeAsync()
    {
        app.EmptyKlarnaRestSandbox();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        await db.DeleteTransactionsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object[] Lines => [new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 2500, vatPercent = 19 }, new { articleNumber = "SHIP", title = "Shipping", quantity = 1, unitPrice = 490, vatPercent = 19, isShipment = true }];

    private static object Address => new { firstName = "Max", lastName = "Mustermann", street = "Hellersbergstraße", houseNumber = "14", postalCode = "41460", city = "Neuss", country = "DE", email = "max@example.com" };

    private async Task<string> TokenAsync(string orderNumber, string outcome = "approved")
    {
        using var session = await shop.PostAsJsonAsync("klarna/sessions", new { orderNumber, currency = "EUR", country = "DE", locale = "de-DE", lines = Lines });
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var answer = await session.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("ey", answer.GetProperty("clientToken").GetString(), StringComparison.Ordinal);
        using var approval = await control.PostAsJsonAsync($"sessions/{answer.GetProperty("sessionId").GetString()}/authorize", new { outcome });
        return (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
    }

    private static object Order(string orderNumber, string token) => new { orderNumber, authorizationToken = token, currency = "EUR", country = "DE", locale = "de-DE", lines = Lines, billingAddress = Address };

    private async Task<Transaction> BooksAsync(string orderNumber)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.OrderNumber == orderNumber);
    }

    [Fact]
    public async Task A_shop_opens_a_session_and_places_the_authorized_order_once_and_the_books_match_klarna()
    {
        var token = await TokenAsync("KR-SHOP-1");

        using var placed = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-1", token));
        using var again = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-1", token));
        using var changed = await shop.PostAsJsonAsync("klarna/orders", new { orderNumber = "KR-SHOP-1", authorizationToken = token, currency = "EUR", country = "DE", lines = Lines, billingAddress = Address });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict), (placed.StatusCode, again.StatusCode, changed.StatusCode));
        var order = await placed.Content.ReadFromJsonAsync<KlarnaOrderResponse>(ShopJson);
        Assert.Equal(order, await again.Content.ReadFromJsonAsync<KlarnaOrderResponse>(ShopJson));
        var books = await BooksAsync("KR-SHOP-1");
        var klarna = app.KlarnaRestSandbox().Order(order!.KlarnaOrderId)!;
        Assert.Equal((order.Id, TransactionState.Authorized, KlarnaRestShop.Username, 5490L), (books.Id, books.State, books.Merchant, books.AuthorizedAmount));
        Assert.Equal((books.Reference, books.AuthorizedAmount, "KR-SHOP-1"), (klarna.OrderId, klarna.OrderAmount, klarna.MerchantReference1));
        Assert.Equal(klarna.ExpiresAt!.Value, books.ExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Single(app.KlarnaRestSandbox().Executions, e => e.Operation == "place-order");
        Assert.Equal(order.KlarnaOrderId, Assert.Single(app.KlarnaRestSandbox().Executions, e => e.Operation == "acknowledge").OrderId);
    }

    [Fact]
    public async Task An_order_whose_answer_was_lost_is_placed_once_when_the_shop_sends_it_again()
    {
        var token = await TokenAsync("KR-SHOP-LOST");
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("place-order", SandboxFailure.Timeout, AfterExecution: true));

        using var lost = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-LOST", token));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            Assert.False(await db.Transactions.AnyAsync(t => t.OrderNumber == "KR-SHOP-LOST"));
        using var again = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-LOST", token));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created), (lost.StatusCode, again.StatusCode));
        var placed = Assert.Single(app.KlarnaRestSandbox().Executions, e => e.Operation == "place-order");
        Assert.Equal(placed.OrderId, (await BooksAsync("KR-SHOP-LOST")).Reference);
    }

    [Fact]
    public async Task A_pending_fraud_review_keeps_the_transaction_pending()
    {
        var token = await TokenAsync("KR-SHOP-PENDING", "pending");

        using var placed = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-PENDING", token));

        var order = await placed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<KlarnaOrderResponse>(ShopJson);
        Assert.Equal((TransactionState.Pending, KlarnaFraudStatus.Pending), (order!.State, order.FraudStatus));
        Assert.Equal(TransactionState.Pending, (await BooksAsync("KR-SHOP-PENDING")).State);
    }

    [Fact]
    public async Task A_refused_authorization_stores_nothing_and_frees_the_order_number_for_a_new_one()
    {
        using var refused = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-AGAIN", Guid.NewGuid().ToString()));
        using var placed = await shop.PostAsJsonAsync("klarna/orders", Order("KR-SHOP-AGAIN", await TokenAsync("KR-SHOP-AGAIN")));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.Created), (refused.StatusCode, placed.StatusCode));
        Assert.Contains("Invalid authorization token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_basket_that_is_not_valid_is_refused_in_words_and_nothing_reaches_klarna()
    {
        using var response = await shop.PostAsJsonAsync("klarna/sessions", new { orderNumber = "KR-BAD", currency = "JPY", country = "DE", lines = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("currency", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("lines", out _));
        Assert.False(app.KlarnaRestSandbox().Traffic.Calls.ContainsKey("create-session"));
    }

    [Fact]
    public async Task The_payment_options_offer_the_service_for_a_german_basket_in_euros()
    {
        using var response = await shop.PostAsJsonAsync("payment-options", new { amount = 5490, currency = "EUR", priceDisplay = "Gross", billingAddress = Address });

        var services = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("services").EnumerateArray().ToList();
        var direct = Assert.Single(services, s => s.GetProperty("service").GetString() == KlarnaRestModule.KlarnaPaymentsDirect.ToString());
        Assert.Equal("Applicable", direct.GetProperty("applicability").GetString());
    }

    [Fact]
    public async Task Klarnas_notification_of_a_fraud_decision_is_read_back_and_moves_the_pending_transaction()
    {
        using var accepted = await shop.PostAsJsonAsync("klarna/orders", Order("KR-FRAUD-OK", await TokenAsync("KR-FRAUD-OK", "pending")));
        using var rejected = await shop.PostAsJsonAsync("klarna/orders", Order("KR-FRAUD-NO", await TokenAsync("KR-FRAUD-NO", "pending")));
        var (yes, no) = ((await accepted.Content.ReadFromJsonAsync<KlarnaOrderResponse>(ShopJson))!, (await rejected.Content.ReadFromJsonAsync<KlarnaOrderResponse>(ShopJson))!);
        using var notify = new HttpClient { BaseAddress = app.ClientOptions.BaseAddress };

        using var forged = await notify.PostAsJsonAsync("/notify/klarna/demo", new { order_id = yes.KlarnaOrderId, event_type = "FRAUD_RISK_ACCEPTED" });
        Assert.Equal((HttpStatusCode.OK, TransactionState.Pending), (forged.StatusCode, (await BooksAsync("KR-FRAUD-OK")).State));
        (await control.PostAsJsonAsync($"orders/{yes.KlarnaOrderId}/fraud", new { status = "ACCEPTED" })).EnsureSuccessStatusCode();
        (await control.PostAsJsonAsync($"orders/{no.KlarnaOrderId}/fraud", new { status = "REJECTED" })).EnsureSuccessStatusCode();
        for (var i = 0; i < 100 && ((await BooksAsync("KR-FRAUD-OK")).State, (await BooksAsync("KR-FRAUD-NO")).State) != (TransactionState.Authorized, TransactionState.Denied); i++)
            await Task.Delay(50);
        using var unknown = await notify.PostAsJsonAsync("/notify/klarna/demo", new { order_id = Guid.NewGuid().ToString(), event_type = "FRAUD_RISK_ACCEPTED" });

        Assert.Equal((TransactionState.Authorized, TransactionState.Denied), ((await BooksAsync("KR-FRAUD-OK")).State, (await BooksAsync("KR-FRAUD-NO")).State));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var step = await db.Operations.AsNoTracking().SingleAsync(o => o.TransactionId == yes.Id && o.Kind == OperationKind.StatusCheck);
        Assert.Equal((KlarnaRestNotifications.Actor, OperationState.Succeeded), (step.User, step.State));
    }
}
