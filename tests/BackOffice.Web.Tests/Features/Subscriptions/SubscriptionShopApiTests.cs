using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Subscriptions;

/// <summary>
/// A shop sells subscriptions through the shop API over HTTP, in Payway's order — a purchase session, the customer's
/// approval at the Klarna sandbox, place-order or place-trial-order — on a fake clock, against the sandbox over HTTP.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class SubscriptionShopApiTests : IAsyncLifetime
{
    private const string Key = "bo_test-subscriptions-key";
    private const string PersonalNumber = "19410321-9202";
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions ShopJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly SteppedClock clock = new(Start);
    private readonly BackOfficeAppFactory app;
    private HttpClient shop = null!;
    private HttpClient control = null!;

    public SubscriptionShopApiTests() => app = new BackOfficeAppFactory
    {
        Clock = clock, Settings = { ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000", ["KlarnaRest:Timeout"] = "00:00:02" },
    };

    public async Task InitializeAsync()
    {
        await app.StartWithKlarnaRestAsync();
        shop = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/api/v1/channels/demo/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", Key);
        control = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna-api/_sandbox/") };
        var admin = app.Staff(Roles.Administrator);
        var plans = app.Service<SubscriptionPlans>();
        var package = await plans.AddAsync(admin, "demo", "digital", "Digital", "EUR", "DE", new PlanTerms(990, 19, BillingInterval.Month, 1));
        await plans.AddAsync(admin, "demo", "try-14", "Two weeks free", "EUR", "DE", new PlanTerms(0, 19, BillingInterval.Month, 1, TrialDays: 14, PackagePlanId: package.Plan.Id));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private KlarnaRestSandbox Klarna => app.KlarnaRestSandbox();

    private async Task<PurchaseSessionResponse> SessionAsync(string code, string email = "erika@example.com", bool disableOverwrite = false)
    {
        using var response = await shop.PostAsJsonAsync("subscriptions/sessions", new
        {
            code, confirmationUrl = "https://shop.example/thanks", email, firstName = "Erika", lastName = "M.", disableAccountInfoOverwrite = disableOverwrite, locale = "de-DE",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PurchaseSessionResponse>(ShopJson))!;
    }

    /// <summary>The customer's approval in Klarna's widget, which the sandbox's control API stands in for.</summary>
    private async Task<string> AuthorizeAsync(PurchaseSessionResponse session, string category = "klarna", string personalNumber = PersonalNumber)
    {
        var providerSession = JsonDocument.Parse(Convert.FromBase64String(Pad(session.KlarnaClientToken.Split('.')[1]))).RootElement.GetProperty("session_id").GetString();
        using var approval = await control.PostAsJsonAsync($"sessions/{providerSession}/authorize", new AuthorizeDetails
        {
            PaymentMethodCategory = category,
            BillingAddress = new KlarnaAddress { GivenName = "Erika", FamilyName = "Mustermann", StreetAddress = "Heidestraße 17", PostalCode = "51147", City = "Köln", Country = "DE", Email = "erika@example.com", Phone = "+491701234567" },
            Customer = new KlarnaCustomer { DateOfBirth = "1941-03-21", NationalIdentificationNumber = personalNumber },
        }, KlarnaJson.Options);
        return (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }

    private Task<HttpResponseMessage> PlaceAsync(string path, Guid sessionId, string token, object? extra = null) =>
        shop.PostAsJsonAsync(path, extra ?? new { sessionId, klarnaAuthorizationToken = token });

    private async Task<SubscriberAccount> AccountAsync(string email)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.SubscriberAccounts.AsNoTracking().SingleAsync(a => a.Email == email);
    }

    private async Task<Subscription> SubscriptionAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private Task RunJobAsync() =>
        ActivatorUtilities.CreateInstance<RecurringChargeRun>(app.Services.CreateScope().ServiceProvider).RunAsync("test", CancellationToken.None);

    [Fact]
    public async Task A_campaign_with_a_fourteen_day_trial_is_sold_for_nothing_and_its_package_is_charged_when_the_trial_ends_completing_the_account_then()
    {
        var session = await SessionAsync("try-14");
        var token = await AuthorizeAsync(session, "direct_debit");

        using var placed = await PlaceAsync("subscriptions/place-trial-order", session.SessionId, token);
        using var again = await PlaceAsync("subscriptions/place-trial-order", session.SessionId, token);
        var order = (await placed.Content.ReadFromJsonAsync<PurchaseOrderResponse>(ShopJson))!;
        var duringTrial = await AccountAsync("erika@example.com");
        clock.SetUtcNow(Start.AddDays(14));
        await RunJobAsync();
        await RunJobAsync();

        Assert.Equal((true, 0L), (session.Trial, session.FirstCharge));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict), (placed.StatusCode, again.StatusCode));
        Assert.StartsWith("https://credit.klarna.com/", order.RedirectUrl, StringComparison.Ordinal);
        Assert.Equal(("https://shop.example/thanks", SubscriptionState.Trial, Start.AddDays(14), 990L), (order.ConfirmationUrl, order.Subscription.State, order.Subscription.NextChargeAt, order.Subscription.NextChargeAmount));
        Assert.Null(order.Subscription.FirstTransactionId);
        Assert.Equal(("Erika", "M.", null), (duringTrial.FirstName, duringTrial.LastName, duringTrial.BillingAddress));
        Assert.DoesNotContain(Klarna.Executions, e => e.Operation == "place-order");
        Assert.Single(Klarna.Executions, e => e.Operation == "token-order");
        var subscription = await SubscriptionAsync(order.Subscription.Id);
        Assert.Equal((SubscriptionState.Active, Start.AddDays(14).AddMonths(1)), (subscription.State, subscription.NextChargeAt));
        var account = await AccountAsync("erika@example.com");
        Assert.Equal(("Mustermann", "Heidestraße 17", "51147", "Köln"), (account.LastName, account.BillingAddress!.Street, account.BillingAddress.PostalCode, account.BillingAddress.City));
        Assert.Equal((new DateOnly(1941, 3, 21), "+491701234567", "••••9202"), (account.BirthDate, account.MobilePhone, account.MaskedPersonalNumber));
        Assert.Equal(await app.Service<PersonalNumbers>().DigestAsync("194103219202"), account.PersonalNumberDigest);
        Assert.DoesNotContain("194103219202", account.ProtectedPersonalNumber, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_is_sold_with_its_first_period_charged_and_captured_and_the_account_taken_from_klarnas_order()
    {
        var session = await SessionAsync("digital");
        var token = await AuthorizeAsync(session);

        using var placed = await PlaceAsync("subscriptions/place-order", session.SessionId, token);
        var order = (await placed.Content.ReadFromJsonAsync<PurchaseOrderResponse>(ShopJson))!;

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal((SubscriptionState.Active, Start.AddMonths(1)), (order.Subscription.State, order.Subscription.NextChargeAt));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == order.Subscription.FirstTransactionId);
        var klarnaOrder = Klarna.Order(transaction.Reference)!;
        Assert.Equal((TransactionState.Captured, 990L, "Erika Mustermann", "9202"), (transaction.State, transaction.CapturedAmount, transaction.Customer.Name, transaction.Customer.MaskedPersonalNumber[^4..]));
        Assert.Equal((KlarnaOrderStatus.Captured, 990L), (klarnaOrder.Status, klarnaOrder.CapturedAmount));
        Assert.Equal("••••9202", (await AccountAsync("erika@example.com")).MaskedPersonalNumber);
        var charge = await db.SubscriptionCharges.AsNoTracking().SingleAsync(c => c.SubscriptionId == order.Subscription.Id);
        Assert.Equal((0, SubscriptionChargeState.Charged, transaction.Id), (charge.Period, charge.State, charge.TransactionId));
        Assert.Single(Klarna.Tokens);
    }

    [Fact]
    public async Task A_personal_number_of_another_account_stops_the_purchase_before_anything_is_charged_unless_the_shop_says_otherwise()
    {
        var first = await SessionAsync("digital", "first@example.com");
        using var firstPlaced = await PlaceAsync("subscriptions/place-order", first.SessionId, await AuthorizeAsync(first));
        var second = await SessionAsync("digital", "second@example.com");
        var token = await AuthorizeAsync(second);

        using var refused = await PlaceAsync("subscriptions/place-order", second.SessionId, token);
        var afterRefusal = Klarna.Executions.Count(e => e.Operation == "place-order");
        var third = await SessionAsync("digital", "second@example.com");
        var thirdToken = await AuthorizeAsync(third);
        using var allowed = await PlaceAsync("subscriptions/place-order", third.SessionId, thirdToken,
            new { sessionId = third.SessionId, klarnaAuthorizationToken = thirdToken, raiseOnSsnAlreadyTakenError = false });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Created), (firstPlaced.StatusCode, refused.StatusCode, allowed.StatusCode));
        Assert.Contains("belongs to another account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, afterRefusal);
        Assert.Contains(Klarna.Tokens, t => t.Status == KlarnaTokenStatus.Cancelled);
        Assert.Equal("", (await AccountAsync("second@example.com")).MaskedPersonalNumber);
        Assert.Equal("••••9202", (await AccountAsync("first@example.com")).MaskedPersonalNumber);
    }

    [Fact]
    public async Task Klarna_refusing_the_first_charge_is_403_payment_method_failed_and_the_subscription_is_terminated()
    {
        var session = await SessionAsync("digital");
        var token = await AuthorizeAsync(session);
        Klarna.Traffic.Inject(new SandboxInjection("place-order", SandboxFailure.Fault, 403));

        using var refused = await PlaceAsync("subscriptions/place-order", session.SessionId, token);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Payment method failed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var subscription = await db.Subscriptions.AsNoTracking().SingleAsync();
        Assert.Equal((SubscriptionState.Terminated, null), (subscription.State, subscription.NextChargeAt));
        Assert.Empty(await db.Transactions.AsNoTracking().Where(t => t.OrderNumber.StartsWith("SUB-")).ToListAsync());
        Assert.Equal(KlarnaTokenStatus.Cancelled, Assert.Single(Klarna.Tokens).Status);
        Assert.Equal(PurchaseSessionState.Open, (await db.PurchaseSessions.AsNoTracking().SingleAsync()).State);
    }

    [Fact]
    public async Task A_purchase_whose_answer_was_lost_carries_on_when_sent_again_and_klarna_places_one_order()
    {
        var session = await SessionAsync("digital");
        var token = await AuthorizeAsync(session);
        Klarna.Traffic.Inject(new SandboxInjection("place-order", SandboxFailure.Drop, AfterExecution: true));

        using var lost = await PlaceAsync("subscriptions/place-order", session.SessionId, token);
        using var again = await PlaceAsync("subscriptions/place-order", session.SessionId, token);
        using var third = await PlaceAsync("subscriptions/place-order", session.SessionId, token);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created, HttpStatusCode.Conflict), (lost.StatusCode, again.StatusCode, third.StatusCode));
        Assert.Single(Klarna.Executions, e => e.Operation == "place-order");
        Assert.Single(Klarna.Tokens);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Single(await db.Subscriptions.AsNoTracking().ToListAsync());
        Assert.Single(await db.Transactions.AsNoTracking().Where(t => t.OrderNumber.StartsWith("SUB-")).ToListAsync());
    }

    [Fact]
    public async Task A_session_lives_48_hours_serves_its_own_kind_of_order_and_bad_requests_change_nothing()
    {
        var trial = await SessionAsync("try-14");
        var package = await SessionAsync("digital");
        var token = await AuthorizeAsync(package);

        using var wrongKind = await PlaceAsync("subscriptions/place-order", trial.SessionId, token);
        using var unknownPlan = await shop.PostAsJsonAsync("subscriptions/sessions", new { code = "gold", confirmationUrl = "https://shop.example/thanks" });
        using var invalid = await shop.PostAsJsonAsync("subscriptions/sessions", new { code = "digital", confirmationUrl = "thanks", email = "not-an-address" });
        using var noToken = await shop.PostAsJsonAsync("subscriptions/place-order", new { sessionId = package.SessionId });
        using var unknownSession = await PlaceAsync("subscriptions/place-order", Guid.NewGuid(), token);
        clock.SetUtcNow(Start.AddHours(48));
        using var expired = await PlaceAsync("subscriptions/place-order", package.SessionId, token);

        Assert.Equal(Start.AddHours(48), package.ExpiresAt);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.Gone),
            (wrongKind.StatusCode, unknownPlan.StatusCode, invalid.StatusCode, noToken.StatusCode, unknownSession.StatusCode, expired.StatusCode));
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("confirmationUrl", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.Empty(Klarna.Tokens);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Subscriptions.AsNoTracking().ToListAsync());
    }
}
