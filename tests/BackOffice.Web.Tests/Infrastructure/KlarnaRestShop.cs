using System.Net.Http.Json;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Klarna Payments (direct) in a test app: the demo channel's service pointed at the mounted sandbox, and orders a
/// shop places there.
/// </summary>
internal static class KlarnaRestShop
{
    public const string Username = "PK_demo_shop";
    public const string Password = "demo-klarna-rest-password";

    public static readonly (string Article, string Title, int Quantity, long UnitPrice)[] Basket = [("A1", "Shirt", 2, 1000), ("B2", "Cap", 1, 550), ("C3", "Socks", 3, 333)];

    public static KlarnaRestSandbox KlarnaRestSandbox(this BackOfficeAppFactory app) => app.Service<KlarnaRestSandbox>();

    public static KlarnaRestCredentials Merchant(this BackOfficeAppFactory app) =>
        new(new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna-api/"), Username, Password);

    /// <summary>Starts the app on a loopback port (the sandbox is reached over HTTP) with the demo channel's service set up.</summary>
    public static async Task StartWithKlarnaRestAsync(this BackOfficeAppFactory app)
    {
        app.StartOnLoopback();
        await app.SetUpKlarnaRestAsync();
    }

    /// <summary>For a class that shares one app: the sandbox's orders, sessions and traffic of the test before are gone.</summary>
    public static void EmptyKlarnaRestSandbox(this BackOfficeAppFactory app)
    {
        app.KlarnaRestSandbox().Reset();
        app.KlarnaRestSandbox().Traffic.Reset();
    }

    /// <summary>The demo channel's service: enabled, on the playground, whose address is the mounted sandbox, whatever it was set to before.</summary>
    public static async Task SetUpKlarnaRestAsync(this BackOfficeAppFactory app)
    {
        var services = app.Service<KlarnaRestServices>();
        await services.SaveAsync(app.Staff(Roles.Administrator), "demo", new KlarnaRestServiceSettings(true, Username, KlarnaRegion.EU, UseLive: false, BaseUrl: null),
            Password, (await services.FindAsync("demo")).Version);
    }

    /// <summary>
    /// An order a shop placed at the sandbox (session, the customer's approval, the order) and opened in the books;
    /// with <paramref name="pendingFraudReview"/>, Klarna holds it for review and the books keep it pending. The basket is
    /// <see cref="Basket"/> unless another is given.
    /// </summary>
    public static async Task<Guid> PlaceKlarnaRestOrderAsync(this BackOfficeAppFactory app, string orderNumber, bool pendingFraudReview = false,
        IReadOnlyList<(string Article, string Title, int Quantity, long UnitPrice)>? basket = null)
    {
        basket ??= Basket;
        var lines = basket.Select(b => new KlarnaOrderLine(b.Title, b.Quantity, b.UnitPrice, b.Quantity * b.UnitPrice, Reference: b.Article, Type: "physical",
            TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(b.Quantity * b.UnitPrice, 1900))).ToList();
        var purchase = new KlarnaPurchase
        {
            PurchaseCountry = "DE", PurchaseCurrency = "EUR", OrderAmount = lines.Sum(l => l.TotalAmount), OrderTaxAmount = lines.Sum(l => l.TotalTaxAmount), OrderLines = lines,
            MerchantReference1 = orderNumber,
        };
        var client = new KlarnaRestClient(new HttpClient(), TimeProvider.System);
        var session = await client.CreateSessionAsync(app.Merchant(), purchase);
        using var control = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna-api/_sandbox/") };
        using var approval = await control.PostAsJsonAsync($"sessions/{session.SessionId}/authorize", new { outcome = pendingFraudReview ? "pending" : "approved" });
        var token = (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
        var placed = await client.PlaceOrderAsync(app.Merchant(), token, purchase);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var now = DateTimeOffset.UtcNow;
        var transaction = Transaction.AuthorizedInShop(channel.Id, KlarnaRestModule.KlarnaPaymentsDirect, ProviderEnvironment.Test, Username, placed.OrderId, null, orderNumber,
            "EUR", "DE", purchase.OrderAmount, [.. basket.Select(b => new TransactionLine(b.Article, b.Title, b.Quantity, b.UnitPrice, 19, LineFlags.IncludesVat))],
            new TransactionCustomer("Max Mustermann", "max@example.com", ""), address, address, now, now.AddDays(28),
            pendingFraudReview ? AuthorizationStatus.Pending : AuthorizationStatus.Accepted);
        await app.Service<OperationJournal>().OpenAsync(transaction);
        return transaction.Id;
    }

    /// <summary>
    /// A customer token as a shop's purchase of <paramref name="sold"/> makes one at the sandbox: a session that tokenizes
    /// (only, and direct debit, for a <paramref name="trial"/>), the customer's approval, and the token from it.
    /// </summary>
    public static async Task<string> CustomerTokenAsync(this BackOfficeAppFactory app, BackOffice.Web.Features.Subscriptions.PlanOffer sold, bool trial = false)
    {
        var client = new KlarnaRestClient(new HttpClient(), TimeProvider.System);
        var amount = trial ? 0 : sold.Version.Price;
        var line = new KlarnaOrderLine(sold.Plan.Name, 1, amount, amount, Reference: "SUBSCRIPTION", Type: "digital", TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(amount, 1900),
            Subscription: new KlarnaSubscription(sold.Plan.Name, sold.Version.Interval.ToString().ToUpperInvariant(), sold.Version.IntervalCount));
        var session = await client.CreateSessionAsync(app.Merchant(), new KlarnaPurchase
        {
            PurchaseCountry = sold.Plan.Country, PurchaseCurrency = sold.Plan.Currency, OrderAmount = amount, OrderTaxAmount = line.TotalTaxAmount, OrderLines = [line],
            Intent = trial ? KlarnaIntent.Tokenize : KlarnaIntent.BuyAndTokenize,
        });
        using var control = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna-api/_sandbox/") };
        using var approval = await control.PostAsJsonAsync($"sessions/{session.SessionId}/authorize", new AuthorizeDetails
        {
            PaymentMethodCategory = trial ? "direct_debit" : "klarna",
            BillingAddress = new KlarnaAddress
            {
                GivenName = "Erika", FamilyName = "Mustermann", StreetAddress = "Heidestraße 17", PostalCode = "51147", City = "Köln", Country = sold.Plan.Country, Email = "erika@example.com",
            },
        }, KlarnaJson.Options);
        var authorization = (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
        var token = await client.CreateCustomerTokenAsync(app.Merchant(), authorization, new KlarnaCustomerTokenRequest
        {
            Description = sold.Plan.Name, Locale = "de-DE", PurchaseCountry = sold.Plan.Country, PurchaseCurrency = sold.Plan.Currency,
        });
        return token.TokenId;
    }
}
