using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using System.Net.Http.Json;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using BackOffice.Web.Features.Payments;

namespace BackOffice.EndToEnd.Infrastructure;

/// <summary>Owns the app, started on a free loopback port with a fresh SQLite file, and one headless Chromium.</summary>
public sealed class BrowserAppFixture : IAsyncLifetime
{
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"backoffice-e2e-{Guid.NewGuid():N}.db");
    private readonly AppFactory app;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private readonly SemaphoreSlim shopKeyGate = new(1, 1);

    public BrowserAppFixture() => app = new AppFactory(databasePath);

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A cold CI machine running several test projects at once is slow; a generous wait is not a retry.
        Assertions.SetDefaultExpectTimeout(15_000);
        app.UseKestrel();
        app.StartServer();
        BaseAddress = app.ClientOptions.BaseAddress;
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// CHROMIUM_PATH, else Debian's headless shell (what scripts/test.sh installs: the engine without the full browser's
    /// UI processes, so it costs less CPU), else Debian's full Chromium.
    /// </summary>
    private static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH")
        ?? new[] { "/usr/bin/chromium-headless-shell", "/usr/bin/chromium" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("No Chromium: run scripts/test.sh, which installs chromium-headless-shell, or set CHROMIUM_PATH.");

    /// <summary>Every console message about the content security policy, from every page: there should be none.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> PolicyViolations { get; } = new();

    /// <summary>The policy messages of the page's own address, one line each, for a sweep's problems.</summary>
    public IEnumerable<string> PolicyViolationsOn(IPage page) =>
        PolicyViolations.Where(v => v.StartsWith(page.Url + ": ", StringComparison.Ordinal)).Select(v => $"content security policy on {v}");

    private static readonly System.Collections.Concurrent.ConcurrentQueue<IBrowserContext> OpenContexts = new();

    /// <summary>
    /// Closes the contexts the test that just ended opened (the journeys run one at a time): a page left open keeps its
    /// renderer, its circuit and its page's timers busy for the rest of the run.
    /// </summary>
    public static async Task CloseOpenContextsAsync()
    {
        while (OpenContexts.TryDequeue(out var context))
            await context.CloseAsync();
    }

    /// <summary>A fresh browser context (own cookies and storage) and page.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US", int width = 1280, int height = 720) =>
        await (await NewContextAsync(BaseAddress, locale, width, height)).NewPageAsync();

    /// <summary>A fresh browser context (own cookies and storage) whose relative addresses go to <paramref name="baseAddress"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, string locale = "en-US", int width = 1280, int height = 720)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(), Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        OpenContexts.Enqueue(context);
        context.Page += (_, page) => page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                PolicyViolations.Enqueue($"{page.Url}: {message.Text}");
        };
        return context;
    }

    public async Task CreateUserAsync(string email, string password, string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }

    /// <summary>A real reservation for the demo channel's Klarna Invoice (DE, 2 × 10.00 + 5.50 EUR), made through the sandbox.</summary>
    public async Task<Guid> ReserveAsync(string orderNumber, string email = "erika@example.com")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var address = new KlarnaAddress
        {
            FirstName = "Erika", LastName = "Musterfrau", Email = email, Street = "Heidestraße 17", PostalCode = "51147", City = "Köln",
            Country = KlarnaCountry.DE,
        };
        var outcome = await scope.ServiceProvider.GetRequiredService<ReservationService>().ReserveAsync(new ReservationOrder(
            "demo", KlarnaModule.Invoice, orderNumber, KlarnaCountry.DE, KlarnaCurrency.EUR, "07071960", address, address,
            [new GoodsLine("A1", "Shirt", 2, 1000, 19), new GoodsLine("B2", "Cap", 1, 550, 19)]));
        return Assert.IsType<ReservationOutcome.Stored>(outcome).Transaction.Id;
    }

    /// <summary>
    /// A Klarna Payments order of the channel demo-computop (DE, 2 × 10.00 + 5.50 EUR) as a shop makes it: authorized at
    /// the Computop sandbox, whose notification makes the transaction.
    /// </summary>
    public async Task<Guid> AuthorizeAtComputopAsync(string orderNumber)
    {
        var order = new ComputopOrderData("DE", "EUR", new ComputopOrderData.Person("Erika", "Musterfrau", "erika@example.com"),
            new ComputopOrderData.Place("Heidestraße", "17", "51147", "Köln"), [new("A1", "Shirt", 2, 1000, 1900), new("B2", "Cap", 1, 550, 1900)]);
        using var response = await ComputopSandbox.PostAsJsonAsync("_sandbox/payments", new
        {
            MerchantId = "KP_DemoShop", TransId = orderNumber, order.Amount, order.Currency, RefNr = orderNumber, UserData = order.Encode(),
            NotifyUrl = new Uri(BaseAddress, "/notify/computop/demo-computop").ToString(),
        });
        response.EnsureSuccessStatusCode();
        return await ArrivedAsync(orderNumber);
    }

    public HttpClient ComputopSandbox => new() { BaseAddress = new Uri(BaseAddress, "/sandbox/computop/") };

    /// <summary>The Klarna REST sandbox: its control API at <c>_sandbox/</c>, and Klarna's own paths as the demo merchant (HTTP Basic).</summary>
    public HttpClient KlarnaRestSandbox
    {
        get
        {
            var client = new HttpClient { BaseAddress = new Uri(BaseAddress, "/sandbox/klarna-api/") };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("PK_demo_shop:demo-klarna-rest-password"u8.ToArray()));
            return client;
        }
    }

    /// <summary>The card acquirer sandbox's control API (<c>_sandbox/</c>).</summary>
    public HttpClient AcquirerSandbox => new() { BaseAddress = new Uri(BaseAddress, "/sandbox/acquirer/") };

    /// <summary>
    /// A Klarna Payments (direct) order of the channel demo-kp (DE, 2 × 10.00 + 5.50 EUR unless other lines are given) as
    /// a shop makes it through the shop API: a session, the customer's approval at the sandbox, then the order from its
    /// authorization token.
    /// </summary>
    public async Task<(Guid Id, string KlarnaOrderId)> PlaceAtKlarnaAsync(string orderNumber, IReadOnlyList<(string Article, string Title, int Quantity, long UnitPrice)>? basket = null)
    {
        using var shop = new HttpClient { BaseAddress = new Uri(BaseAddress, "/api/v1/channels/demo-kp/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", await ShopKeyAsync("demo-kp"));
        basket ??= [("A1", "Shirt", 2, 1000), ("B2", "Cap", 1, 550)];
        object[] lines = [.. basket.Select(b => new { articleNumber = b.Article, title = b.Title, quantity = b.Quantity, unitPrice = b.UnitPrice, vatPercent = 19 })];
        using var session = await shop.PostAsJsonAsync("klarna/sessions", new { orderNumber, currency = "EUR", country = "DE", locale = "de-DE", lines });
        var sessionId = (await session.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sessionId").GetString();
        using var approval = await KlarnaRestSandbox.PostAsJsonAsync($"_sandbox/sessions/{sessionId}/authorize", new { outcome = "approved" });
        var token = (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("authorization_token").GetString();
        var address = new { firstName = "Erika", lastName = "Musterfrau", street = "Heidestraße", houseNumber = "17", postalCode = "51147", city = "Köln", country = "DE", email = "erika@example.com" };
        using var placed = await shop.PostAsJsonAsync("klarna/orders", new { orderNumber, authorizationToken = token, currency = "EUR", country = "DE", locale = "de-DE", lines, billingAddress = address });
        var order = await placed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (order.GetProperty("id").GetGuid(), order.GetProperty("klarnaOrderId").GetString()!);
    }

    /// <summary>
    /// A subscription to the demo channel's monthly package, sold through the shop API's purchase session with the
    /// customer's approval at the sandbox (an address and a personal number given in Klarna's widget); answers its id.
    /// </summary>
    public async Task<Guid> SubscribeAsync(string email, string? personalNumber = null)
    {
        personalNumber ??= "1960" + ((uint)email.GetHashCode(StringComparison.Ordinal) % 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        await EnsurePlanAsync();
        using var shop = new HttpClient { BaseAddress = new Uri(BaseAddress, "/api/v1/channels/demo-kp/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", await ShopKeyAsync("demo-kp"));
        using var session = await shop.PostAsJsonAsync("subscriptions/sessions", new { code = "e2e-digital", confirmationUrl = "https://shop.example/thanks", email, firstName = "Erika", lastName = "Musterfrau" });
        var sessionId = (await session.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sessionId").GetGuid();
        string providerSession;
        await using (var scope = app.Services.CreateAsyncScope())
        await using (var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            providerSession = db.PurchaseSessions.Where(s => s.Id == sessionId).Select(s => s.ProviderSessionId).Single();
        using var approval = await KlarnaRestSandbox.PostAsJsonAsync($"_sandbox/sessions/{providerSession}/authorize", new
        {
            billing_address = new { given_name = "Erika", family_name = "Musterfrau", street_address = "Heidestraße 17", postal_code = "51147", city = "Köln", country = "DE" },
            customer = new { date_of_birth = "1960-07-07", national_identification_number = personalNumber },
        });
        var token = (await approval.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("authorization_token").GetString();
        using var placed = await shop.PostAsJsonAsync("subscriptions/place-order", new { sessionId, klarnaAuthorizationToken = token, raiseOnSsnAlreadyTakenError = false });
        return (await placed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("subscription").GetProperty("id").GetGuid();
    }

    private async Task EnsurePlanAsync()
    {
        await shopKeyGate.WaitAsync();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var plans = scope.ServiceProvider.GetRequiredService<BackOffice.Web.Features.Subscriptions.SubscriptionPlans>();
            if ((await plans.ListAsync("demo-kp")).Any(p => p.Code == "e2e-digital"))
                return;
            var administrator = await scope.ServiceProvider.GetRequiredService<BackOffice.Web.Features.Users.IdentitySeeder>().SeededAdministratorAsync()
                ?? throw new InvalidOperationException("No seeded administrator.");
            await plans.AddAsync(administrator, "demo-kp", "e2e-digital", "Digital monthly", "EUR", "DE",
                new BackOffice.Web.Features.Subscriptions.PlanTerms(990, 19, BackOffice.Web.Features.Subscriptions.BillingInterval.Month, 1));
        }
        finally
        {
            shopKeyGate.Release();
        }
    }

    /// <summary>Klarna's side of an order: <c>GET /ordermanagement/v1/orders/{id}</c> at the sandbox, as the merchant asks it.</summary>
    public async Task<System.Text.Json.JsonElement> KlarnaOrderAsync(string klarnaOrderId) =>
        await KlarnaRestSandbox.GetFromJsonAsync<System.Text.Json.JsonElement>($"ordermanagement/v1/orders/{klarnaOrderId}");

    /// <summary>
    /// A capture made at Klarna and not in the books (as from another system of the merchant), and the payout period
    /// closed: answers the payout's payment reference, whose line of this capture the books do not have.
    /// </summary>
    public async Task<string> PayoutOfACaptureOnlyKlarnaHasAsync(string klarnaOrderId, long amount)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"ordermanagement/v1/orders/{klarnaOrderId}/captures") { Content = JsonContent.Create(new { captured_amount = amount }) };
        request.Headers.Add("Klarna-Idempotency-Key", Guid.NewGuid().ToString());
        using var sandbox = KlarnaRestSandbox;
        (await sandbox.SendAsync(request)).EnsureSuccessStatusCode();
        using var closed = await sandbox.PostAsync("_sandbox/payouts/close", null);
        return (await closed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())[0].GetProperty("payment_reference").GetString()!;
    }

    /// <summary>
    /// A Sofort payment of the channel demo-ecommpay (DE, 2 × 15.00 + 4.90 EUR) as a shop starts it through the shop API:
    /// answers the signed payment page the customer is sent to.
    /// </summary>
    public async Task<string> StartSofortAsync(string orderNumber)
    {
        using var shop = new HttpClient { BaseAddress = new Uri(BaseAddress, "/api/v1/channels/demo-ecommpay/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", await ShopKeyAsync("demo-ecommpay"));
        using var started = await shop.PostAsJsonAsync("ecommpay/payments", new
        {
            orderNumber, currency = "EUR", country = "DE", language = "de",
            lines = new object[] { new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 1500, vatPercent = 19 }, new { articleNumber = "SHIP", title = "Shipping", quantity = 1, unitPrice = 490, vatPercent = 19 } },
            customer = new { firstName = "Erika", lastName = "Musterfrau", email = "erika@example.com" },
        });
        return (await started.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("paymentPageUrl").GetString()!;
    }

    /// <summary>A Sofort payment the customer paid on the sandbox's page (posted as the page's form does); answers its transaction.</summary>
    public async Task<Guid> PayBySofortAsync(string orderNumber)
    {
        var page = new Uri(await StartSofortAsync(orderNumber));
        var fields = page.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        using var customer = new HttpClient();
        using var paid = await customer.PostAsync(page.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(fields.Append(new("outcome", "pay"))));
        paid.EnsureSuccessStatusCode();
        return await ArrivedAsync(orderNumber);
    }

    /// <summary>The transaction a provider's notification opened for an order, once it arrived.</summary>
    public async Task<Guid> ArrivedAsync(string orderNumber)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await using var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
                if (db.Transactions.Where(t => t.OrderNumber == orderNumber).Select(t => (Guid?)t.Id).SingleOrDefault() is { } id)
                    return id;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No notification opened {orderNumber}.");
    }

    public HttpClient ECommPaySandbox => new() { BaseAddress = new Uri(BaseAddress, "/sandbox/ecommpay/") };

    /// <summary>An API key of a channel, made once (Development seeds one for the channel demo only).</summary>
    private async Task<string> ShopKeyAsync(string channel)
    {
        var key = $"bo_e2e-shop-key-{channel}";
        await shopKeyGate.WaitAsync();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await using var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            var hash = BackOffice.Web.Features.ShopApi.ApiKey.HashOf(key);
            if (!db.ApiKeys.Any(k => k.Hash == hash))
            {
                db.ApiKeys.Add(BackOffice.Web.Features.ShopApi.ApiKey.FromPlaintext(db.Channels.Single(c => c.Code == channel).Id, "E2E shop", key, "test", DateTimeOffset.UtcNow));
                await db.SaveChangesAsync();
                await scope.ServiceProvider.GetRequiredService<BackOffice.Web.Features.ShopApi.ActiveApiKeys>().ReloadAsync();
            }
            return key;
        }
        finally
        {
            shopKeyGate.Release();
        }
    }

    public SandboxControlClient Sandbox => new(new HttpClient { BaseAddress = new Uri(BaseAddress, "/sandbox/klarna/") });

    public async Task<string> ReservationNumberAsync(Guid transactionId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<TransactionQuery>().DetailsAsync(transactionId))!.Transaction.Reference;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.DisposeAsync();
        playwright?.Dispose();
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databasePath, databasePath + "-shm", databasePath + "-wal" })
            File.Delete(file);
    }

    private sealed class AppFactory(string databasePath) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            // A free loopback port, as a setting Kestrel reads when it starts: see BackOfficeAppFactory.StartOnLoopback.
            builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
            builder.UseSetting("ConnectionStrings:BackOffice", $"Data Source={databasePath}");
            builder.UseSetting("Seed:DemoTransactions", "0");
            builder.UseSetting("Seed:DemoComputopChannel:Transactions", "0");
            builder.UseSetting("Seed:DemoKlarnaRestChannel:Transactions", "0");
            builder.UseSetting("Seed:DemoECommPayChannel:Transactions", "0");
            // Every journey signs in from one address, 127.0.0.1: on a fast machine more than the 30 sign-ins a minute
            // one address may post (seen with tiered compilation on). The limits are the web tests' to prove (RateLimitTests).
            foreach (var limit in new[] { RateLimits.SignIn, RateLimits.ForgotPassword, RateLimits.SetPassword })
                builder.UseSetting($"RateLimits:{limit}:PerAddress", "100000");
        }
    }
}
