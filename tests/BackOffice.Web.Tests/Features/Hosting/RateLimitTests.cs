using System.Net;
using System.Text.RegularExpressions;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features.Hosting;

/// <summary>
/// What anyone may send without signing in is limited per client address, which a forwarded header from the same
/// machine does not change (no proxy is configured), and notifications also per channel; a refusal is 429 with Retry-After.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed partial class RateLimitTests
{
    [Fact]
    public async Task Notifications_are_limited_per_address_whatever_x_forwarded_for_claims()
    {
        await using var app = Started(("RateLimits:Notifications:PerAddress", "5"));
        using var client = app.CreateLoopbackClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/notify/computop/channel-{i}") { Content = new FormUrlEncodedContent([new("MerchantID", "x")]) };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (i == 5)
                AssertRetryAfter(response);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.NotFound, 5), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Another_address_has_a_budget_of_its_own_for_notifications_and_for_wrong_api_keys()
    {
        await using var app = Started(("RateLimits:Notifications:PerAddress", "3"), ("ShopApi:UnauthenticatedRequestsPerMinute", "3"));
        using var first = app.CreateLoopbackClient();
        using var second = app.CreateLoopbackClientFrom("127.0.0.2");

        async Task<HttpStatusCode> NotifyAsync(HttpClient client) =>
            (await client.PostAsync("/notify/computop/nowhere", new FormUrlEncodedContent([new("MerchantID", "x")]))).StatusCode;
        async Task<HttpStatusCode> GuessAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/channels/demo/payment-options") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", "bo_guessed");
            return (await client.SendAsync(request)).StatusCode;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await NotifyAsync(first));
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(first));
        }

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests), (await NotifyAsync(first), await GuessAsync(first)));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Unauthorized), (await NotifyAsync(second), await GuessAsync(second)));
    }

    [Fact]
    public async Task Notifications_are_limited_per_channel_and_another_channel_is_not_held_up()
    {
        await using var app = Started(("RateLimits:Notifications:PerChannel", "5"));
        using var client = app.CreateLoopbackClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            statuses.Add((await client.PostAsync("/notify/computop/demo-computop", new FormUrlEncodedContent([new("MerchantID", "x")]))).StatusCode);
        var other = await client.PostAsync("/notify/computop/demo", new FormUrlEncodedContent([new("MerchantID", "x")]));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Theory]
    [InlineData("SignIn", "/Account/Login", "login")]
    [InlineData("SetPassword", "/Account/SetPassword?userId=x&code=y", "set-password")]
    public async Task Posting_a_sign_in_form_is_limited_per_address_and_opening_it_is_not(string limit, string path, string handler)
    {
        await using var app = Started(($"RateLimits:{limit}:PerAddress", "3"));
        using var client = app.CreateLoopbackClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var form = await client.GetStringAsync(path);
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = handler, ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
                    ["Input.Email"] = "nobody@shop.example", ["Input.Password"] = "wrong password here", ["Input.ConfirmPassword"] = "wrong password here",
                }),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (i == 3)
                AssertRetryAfter(response);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_shop_apis_wrong_key_budget_is_per_address_whatever_x_forwarded_for_claims()
    {
        await using var app = Started(("ShopApi:UnauthenticatedRequestsPerMinute", "3"));
        using var client = app.CreateLoopbackClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/channels/demo/payment-options") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", "bo_guessed");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    private static BackOfficeAppFactory Started(params (string Key, string Value)[] settings)
    {
        var app = new BackOfficeAppFactory();
        foreach (var (key, value) in settings)
            app.Settings[key] = value;
        return app.StartOnLoopback();
    }

    private static void AssertRetryAfter(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
