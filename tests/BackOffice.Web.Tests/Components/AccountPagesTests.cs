using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace BackOffice.Web.Tests.Components;

/// <summary>The account pages the product keeps, and only those; none answers a server error to anything an anonymous visitor sends.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed partial class AccountPagesTests(BackOfficeAppFactory app) : IClassFixture<BackOfficeAppFactory>
{
    private static readonly string[] Kept =
    [
        "/Account/AccessDenied", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation", "/Account/InvalidUser", "/Account/Lockout",
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Manage", "/Account/Manage/ChangePassword",
        "/Account/Manage/Disable2fa", "/Account/Manage/EnableAuthenticator", "/Account/Manage/GenerateRecoveryCodes", "/Account/Manage/Preferences", "/Account/Manage/ResetAuthenticator",
        "/Account/Manage/TwoFactorAuthentication", "/Account/SetPassword",
    ];

    private static IReadOnlyList<string> Routes { get; } = [.. typeof(Program).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
        .Select(r => r.Template)
        .Where(t => t.StartsWith("/Account", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal)];

    [Fact]
    public void Only_the_account_pages_the_product_uses_exist()
    {
        Assert.Equal(Kept.Order(StringComparer.Ordinal), Routes);
    }

    [Theory]
    [InlineData("/Account/Register")]
    [InlineData("/Account/ConfirmEmail")]
    [InlineData("/Account/ResendEmailConfirmation")]
    [InlineData("/Account/ExternalLogin")]
    [InlineData("/Account/Manage/Passkeys")]
    [InlineData("/Account/Manage/Email")]
    [InlineData("/Account/PasskeyRequestOptions")]
    public async Task Removed_pages_and_endpoints_are_gone(string path)
    {
        var get = await app.CreateBrowserLikeClient().GetAsync(path);
        var post = await app.CreateBrowserLikeClient().PostAsync(path, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest, $"{path}: {post.StatusCode}");
    }

    [Fact]
    public async Task No_account_page_answers_a_server_error_to_an_anonymous_get_or_post()
    {
        var random = new Random(20261125);
        var failures = new List<string>();
        foreach (var route in Routes.Append("/Account/Logout"))
        {
            foreach (var query in new[] { "", "?returnUrl=https://evil.example/", "?userId=nobody&code=%%%", "?code=bm90LWEtY29kZQ&userId=" + Guid.NewGuid(), "?rememberMe=maybe" })
            {
                var client = app.CreateBrowserLikeClient();
                var get = await client.GetAsync(route + query);
                if ((int)get.StatusCode >= 500)
                    failures.Add($"GET {route}{query}: {(int)get.StatusCode}");
                var token = Token().Match(await get.Content.ReadAsStringAsync()) is { Success: true } match ? match.Groups[1].Value : "";
                for (var i = 0; i < 4; i++)
                {
                    var post = await client.PostAsync(route + query, new FormUrlEncodedContent(RandomForm(random, token)));
                    if ((int)post.StatusCode >= 500)
                        failures.Add($"POST {route}{query}: {(int)post.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Forgot_password_without_smtp_says_to_ask_an_administrator()
    {
        var page = await app.CreateClient().GetStringAsync("/Account/ForgotPassword");

        Assert.Contains("Ask an administrator", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_denied_offers_a_way_back()
    {
        var page = await app.CreateClient().GetStringAsync("/Account/AccessDenied");

        Assert.Contains("href=\"/\"", page, StringComparison.Ordinal);
        Assert.Contains("Sign in as someone else", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_never_redirects_to_another_site()
    {
        var client = app.CreateBrowserLikeClient();
        var form = await client.GetStringAsync("/Account/Login");

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["returnUrl"] = "//evil.example/phish",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    private static Dictionary<string, string> RandomForm(Random random, string token)
    {
        string Junk() => random.Next(5) switch
        {
            0 => "",
            1 => new string('x', random.Next(1, 3000)),
            2 => "<script>alert(1)</script>",
            3 => "' OR 1=1 --",
            _ => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(32, 0x2FFF))),
        };
        var form = new Dictionary<string, string>();
        if (random.Next(3) > 0)
            form["__RequestVerificationToken"] = token;
        form["_handler"] = new[] { "login", "login-with-2fa", "login-with-recovery-code", "forgot-password", "set-password", "change-password", "profile", "send-code", "disable-2fa", Junk() }[random.Next(10)];
        foreach (var field in new[] { "Input.Email", "Input.Password", "Input.ConfirmPassword", "Input.TwoFactorCode", "Input.RecoveryCode", "Input.Code", "Input.UserId", "Input.OldPassword", "Input.NewPassword", "Input.DisplayName", "Input.RememberMe", "ReturnUrl" })
        {
            if (random.Next(2) == 0)
                form[field] = Junk();
        }
        return form;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
