using System.Net;
using System.Net.Http.Json;
using System.Text;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace BackOffice.Web.Tests.Features.ShopApi;

/// <summary>What the README promises about the shop API's limits: a budget per key, wrong keys limited per client address, Retry-After on every 429.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ShopApiLimitsTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new()
    {
        Settings = { ["ShopApi:RequestsPerMinute"] = "5", ["ShopApi:UnauthenticatedRequestsPerMinute"] = "3", ["Seed:DemoApiKey"] = "" },
    };

    public Task InitializeAsync()
    {
        app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Two_keys_have_budgets_of_their_own_and_a_429_says_when_to_retry()
    {
        var keys = app.Service<ApiKeyService>();
        var admin = app.Staff(Roles.Administrator);
        var first = await keys.CreateAsync(admin, "demo", "first shop");
        var second = await keys.CreateAsync(admin, "demo", "second shop");

        var firstStatuses = await SendAsync(first, 6);
        var secondStatuses = await SendAsync(second, 5);
        var limited = await PostAsync(first);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], firstStatuses);
        Assert.All(secondStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("limit per minute", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_and_missing_keys_are_limited_per_client_address_and_do_not_touch_a_real_keys_budget()
    {
        var key = await app.Service<ApiKeyService>().CreateAsync(app.Staff(Roles.Administrator), "demo", "shop");

        var junk = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            junk.Add((await PostAsync(i % 2 == 0 ? $"bo_guess-{i}" : null)).StatusCode);
        var limited = await PostAsync("bo_yet-another-guess");
        var real = await SendAsync(key, 5);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], junk);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Contains("wrong or missing API key", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(real, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var keys = app.Service<ApiKeyService>();
        var admin = app.Staff(Roles.Administrator);
        var key = await keys.CreateAsync(admin, "demo", "short-lived");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(key)).StatusCode);

        await keys.RevokeAsync(admin, "demo", (await keys.ListAsync("demo")).Single().Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(key)).StatusCode);
    }

    [Fact]
    public async Task Malformed_requests_are_logged_as_warnings_without_stack_traces()
    {
        var key = await app.Service<ApiKeyService>().CreateAsync(app.Staff(Roles.Administrator), "demo", "clumsy shop");
        using var client = Client(key);

        var options = await client.PostAsync("api/v1/channels/demo/payment-options", new StringContent("{\"amount\": 12,", Encoding.UTF8, "application/json"));
        var reservation = await client.PostAsync("api/v1/channels/demo/reservations", new StringContent("not json at all", Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (options.StatusCode, reservation.StatusCode));
        Assert.Equal("application/problem+json", options.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Exception is not null);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("payment-options", StringComparison.Ordinal));
    }

    private async Task<List<HttpStatusCode>> SendAsync(string key, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
            statuses.Add((await PostAsync(key)).StatusCode);
        return statuses;
    }

    private async Task<HttpResponseMessage> PostAsync(string? key)
    {
        using var client = Client(key);
        return await client.PostAsJsonAsync("api/v1/channels/demo/payment-options", new
        {
            amount = 10_000, currency = "EUR", priceDisplay = "Gross",
            billingAddress = new { firstName = "Max", lastName = "Mustermann", street = "Hellersbergstraße 14", postalCode = "41460", city = "Neuss", country = "DE" },
        });
    }

    private HttpClient Client(string? key)
    {
        var client = app.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
