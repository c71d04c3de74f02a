using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.ShopApi;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class PaymentOptionsApiTests : IAsyncLifetime
{
    private const string DemoKey = "bo_test-demo-key";
    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Seed:DemoApiKey"] = DemoKey, ["ShopApi:RequestsPerMinute"] = "20" } };

    private static object Basket(string country = "DE", string currency = "EUR", long amount = 100_000) => new
    {
        amount, currency, priceDisplay = "Gross",
        billingAddress = new { firstName = "Max", lastName = "Mustermann", street = "Hellersbergstraße 14", postalCode = "41460", city = "Neuss", country },
    };

    public Task InitializeAsync()
    {
        app.StartOnLoopback();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Answers_each_services_applicability_and_installments_pclasses_with_their_cost()
    {
        await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);

        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var services = body.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["Invoice", "Installments", "KlarnaPayments", "KlarnaPaymentsDirect", "KlarnaSofort"], services.Select(s => s.GetProperty("service").GetString()));
        Assert.All(services[..2], s => Assert.Equal("Applicable", s.GetProperty("applicability").GetString()));
        Assert.Equal(("NotApplicable", "Klarna Payments (Computop) is not set up for this channel."),
            (services[2].GetProperty("applicability").GetString(), services[2].GetProperty("reasons")[0].GetString()));
        Assert.Equal(("NotApplicable", "NotApplicable"), (services[3].GetProperty("applicability").GetString(), services[4].GetProperty("applicability").GetString()));
        var ratenkauf = services[1].GetProperty("pclasses").EnumerateArray().Single(p => p.GetProperty("id").GetInt32() == 3113);
        Assert.Equal((5608, 120_660), (ratenkauf.GetProperty("monthlyPayment").GetInt64(), ratenkauf.GetProperty("totalCost").GetInt64()));
        var zinsfrei = services[1].GetProperty("pclasses").EnumerateArray().Single(p => p.GetProperty("id").GetInt32() == 3114);
        Assert.Equal((33_333, 100_000), (zinsfrei.GetProperty("monthlyPayment").GetInt64(), zinsfrei.GetProperty("totalCost").GetInt64()));
        Assert.DoesNotContain(services[1].GetProperty("pclasses").EnumerateArray(), p => p.GetProperty("id").GetInt32() == 3115);
    }

    [Fact]
    public async Task A_market_the_channel_does_not_serve_is_not_applicable_with_the_reason()
    {
        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket(country: "SE", currency: "EUR"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("There is no PClass for invoicing country SE and currency EUR.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_service_is_offered_only_once_initialized_for_its_eid()
    {
        await ChangeInvoiceAsync(s => s.Configure(s.Settings with { UseLiveGateway = true }, null));

        var refused = await InvoiceOptionAsync();
        Assert.Equal("NotApplicable", refused.GetProperty("applicability").GetString());
        Assert.Contains("has not been initialized", refused.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);

        await ChangeInvoiceAsync(s => s.RecordInitialization(new(DateTimeOffset.UtcNow, "admin@test.local", ProviderEnvironment.Live, s.MerchantId!.Value, true, 0, 0, new Message("Connected"))));
        Assert.Equal("Applicable", (await InvoiceOptionAsync()).GetProperty("applicability").GetString());

        await ChangeInvoiceAsync(s => s.Configure(s.Settings with { MerchantId = s.MerchantId + 1 }, null));
        Assert.Equal("NotApplicable", (await InvoiceOptionAsync()).GetProperty("applicability").GetString());
    }

    [Fact]
    public async Task Klarna_payments_through_computop_is_offered_once_the_channel_has_it_and_a_live_one_once_checked()
    {
        await ChangeComputopAsync((service, connections) => service.Configure(new(true, "KP_DemoShop", false, null), connections.Protect("hmac"), connections.Protect("bf-pass")));
        var test = await KlarnaPaymentsOptionAsync(Basket());
        await ChangeComputopAsync((service, _) => service.Configure(service.Settings with { UseLive = true }, null, null));
        var live = await KlarnaPaymentsOptionAsync(Basket());

        Assert.Equal("Applicable", test.GetProperty("applicability").GetString());
        Assert.Equal("NotApplicable", live.GetProperty("applicability").GetString());
        Assert.Contains("its connection has not been checked", live.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
    }

    private async Task ChangeComputopAsync(Action<BackOffice.Web.Features.Computop.ComputopService, BackOffice.Web.Features.Computop.ComputopConnections> change)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channelId = (await db.Channels.SingleAsync(c => c.Code == "demo")).Id;
        var service = await db.ComputopServices.SingleOrDefaultAsync(s => s.ChannelId == channelId);
        if (service is null)
            db.ComputopServices.Add(service = new BackOffice.Web.Features.Computop.ComputopService(channelId));
        change(service, app.Service<BackOffice.Web.Features.Computop.ComputopConnections>());
        await db.SaveChangesAsync();
    }

    private async Task<JsonElement> KlarnaPaymentsOptionAsync(object basket)
    {
        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/demo/payment-options", basket);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "KlarnaPayments").Clone();
    }

    private async Task ChangeInvoiceAsync(Action<PaymentService> change)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        change(await db.PaymentServiceAsync(channel.Id, KlarnaModule.Invoice));
        await db.SaveChangesAsync();
    }

    private async Task<JsonElement> InvoiceOptionAsync()
    {
        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("services")[0].Clone();
    }

    [Theory]
    [InlineData(null, "Send the channel's API key")]
    [InlineData("bo_wrong", "wrong or was revoked")]
    public async Task A_missing_or_wrong_key_is_401_problem_details(string? key, string detail)
    {
        var response = await Client(key).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("ApiKey realm=\"shop API\", header=\"X-Api-Key\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Theory]
    [InlineData("GET", "api/v1/nothing-here")]
    [InlineData("POST", "api/v2/channels/demo/payment-options")]
    public async Task A_path_under_api_that_names_nothing_is_a_json_problem_not_a_page(string method, string path)
    {
        var response = await Client(DemoKey).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_a_new_one_is_shown_once_and_stored_hashed()
    {
        var keys = app.Service<ApiKeyService>();
        var plaintext = await keys.CreateAsync(Admin, "demo", "Web shop");
        Assert.Equal(HttpStatusCode.OK, (await Client(plaintext).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket())).StatusCode);
        var listed = (await keys.ListAsync("demo")).Single(k => k.Name == "Web shop");

        await keys.RevokeAsync(Admin, "demo", listed.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(plaintext).PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket())).StatusCode);
        Assert.StartsWith(plaintext[..8], listed.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(plaintext, string.Join(",", (await keys.ListAsync("demo")).Select(k => k.ToString())), StringComparison.Ordinal);
        await using var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BackOffice.Web.Data.BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(ApiKey.HashOf(plaintext), (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.ApiKeys, k => k.Id == listed.Id)).Hash);
        await Assert.ThrowsAsync<AccessRefusedException>(() => keys.CreateAsync(app.Staff(Roles.Operator), "demo", "Mine"));
    }

    [Fact]
    public async Task A_key_opens_only_its_own_channel()
    {
        await app.Service<ChannelService>().CreateAsync(Admin, "other", "Other shop");

        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/other/payment-options", Basket());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("does not belong to channel 'other'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_basket_gets_per_field_errors()
    {
        var response = await Client(DemoKey).PostAsJsonAsync("api/v1/channels/demo/payment-options",
            new { amount = -1, currency = "eur", billingAddress = new { firstName = "", country = "JP" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = body.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("amount", errors);
        Assert.Contains("currency", errors);
        Assert.Contains("priceDisplay", errors);
        Assert.Contains("billingAddress.firstName", errors);
        Assert.Contains("billingAddress.country", errors);
    }

    [Fact]
    public async Task Requests_beyond_the_limit_per_key_get_429()
    {
        var client = Client(DemoKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
            statuses.Add((await client.PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket())).StatusCode);

        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[20]);
    }

    [Fact]
    public async Task A_key_is_known_from_the_first_request_after_a_start_even_when_loading_the_keys_is_slow()
    {
        await using var slow = new BackOfficeAppFactory { Settings = { ["Seed:DemoApiKey"] = DemoKey } };
        slow.TestServices.Add(services => services.AddSingleton<IInterceptor>(new SlowApiKeyReads()));
        slow.StartOnLoopback();
        using var client = new HttpClient { BaseAddress = slow.ClientOptions.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", DemoKey);

        var response = await client.PostAsJsonAsync("api/v1/channels/demo/payment-options", Basket());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Every read of the API keys takes a second: a database slow at the moment the app starts.</summary>
    private sealed class SlowApiKeyReads : DbCommandInterceptor
    {
        public override async ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command,
            CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"ApiKeys\"", StringComparison.Ordinal))
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return result;
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoint_and_the_key_scheme()
    {
        var document = await Client(null).GetStringAsync("openapi/v1.json");

        Assert.Contains("/api/v1/channels/{code}/payment-options", document, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/Account/KeepAlive", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_says_which_fields_a_shop_may_leave_out()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await Client(null).GetStringAsync("openapi/v1.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        string[] Required(string schema) => schemas.GetProperty(schema).TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!)] : [];

        var reservation = Required("ReservationRequest");
        Assert.DoesNotContain("pClass", reservation);
        Assert.DoesNotContain("clientIp", reservation);
        Assert.DoesNotContain("shippingAddress", reservation);
        Assert.Contains("orderNumber", reservation);
        Assert.Contains("lines", reservation);
        Assert.DoesNotContain("company", Required("ApiAddress"));
        Assert.Contains("street", Required("ApiAddress"));
    }

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = app.ClientOptions.BaseAddress };
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
