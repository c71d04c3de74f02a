using System.Net;
using BackOffice.Web.Data;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Hosting;

/// <summary>Security headers, forwarded headers behind a TLS proxy, and the key ring's certificate.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class HostingTests
{
    [Fact]
    public async Task Pages_carry_the_security_headers_and_a_content_security_policy_without_eval()
    {
        await using var app = new BackOfficeAppFactory();

        var response = await app.CreateClient().GetAsync("/Account/Login");

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "No HSTS in Development.");
    }

    [Fact]
    public async Task Behind_a_known_tls_proxy_production_sends_hsts_and_secure_cookies()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", Settings = { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" } };
        app.StartOnLoopback();
        using var client = app.CreateLoopbackClient();

        // A proxy passes the public host on and says the scheme (HSTS is never sent for a loopback host).
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        proxied.Headers.Host = new Uri(BackOfficeAppFactory.PublicBaseUrl).Host;
        var response = await client.SendAsync(proxied);
        var direct = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=31536000", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.All(response.Headers.GetValues("Set-Cookie"), cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
        Assert.False(direct.Headers.Contains("Strict-Transport-Security"), "HSTS only over HTTPS.");
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
    }

    [Fact]
    public async Task Outside_development_the_app_refuses_to_start_without_a_key_ring_certificate_and_names_the_keys()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", WithKeyRingCertificate = false };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var message = error.ToString();
        Assert.Contains("DataProtection:Certificate:Path", message, StringComparison.Ordinal);
        Assert.Contains("DataProtection:Certificate:Thumbprint", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_the_stored_key_ring_is_encrypted()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production" };
        // The log-in form's antiforgery token needs a key: the first one is made and stored.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/Account/Login")).StatusCode);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var key = Assert.Single(await db.DataProtectionKeys.ToListAsync()).Xml!;
        Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_log_names_environment_database_gateways_and_the_sandbox()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();

        var line = Assert.Single(app.Logs.Messages, m => m.Contains("Klarna Back Office starting", StringComparison.Ordinal));
        Assert.Contains("environment Development", line, StringComparison.Ordinal);
        Assert.Contains(TestDatabase.IsPostgreSql ? "database PostgreSQL 127.0.0.1:" : "database SQLite /", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("live https://payment.klarna.com/", line, StringComparison.Ordinal);
        Assert.Contains("sandbox mounted at /sandbox/klarna", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_host_is_answered_400_and_redirects_never_name_a_forwarded_host()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", Settings = { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" } };
        app.StartOnLoopback();
        using var client = app.CreateLoopbackClient();

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/transactions");
        forged.Headers.Host = "evil.example";
        var refused = await client.SendAsync(forged);
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/transactions");
        forwarded.Headers.Host = new Uri(BackOfficeAppFactory.PublicBaseUrl).Host;
        forwarded.Headers.Add("X-Forwarded-Host", "evil.example");
        var redirected = await client.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.DoesNotContain("evil.example", redirected.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://backoffice.shop.example/")]
    [InlineData("https://user:secret@backoffice.shop.example/")]
    [InlineData("backoffice.shop.example")]
    public async Task Outside_development_the_app_refuses_to_start_without_a_public_address_it_can_use(string address)
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", Settings = { ["App:PublicBaseUrl"] = address } };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("App:PublicBaseUrl", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hangfire_dashboard_gets_its_own_policy_and_no_other_page_does()
    {
        await using var app = new BackOfficeAppFactory();
        await app.CreateUserAsync("admin-csp@test.local", "Test-Passw0rd!", BackOffice.Web.Features.Roles.Administrator);
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync("admin-csp@test.local", "Test-Passw0rd!");

        var dashboard = await client.GetAsync("/hangfire");
        var page = await client.GetAsync("/transactions");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("script-src 'self' 'unsafe-inline'", Header(dashboard, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", Header(page, "Content-Security-Policy").Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "/Account/Manage/EnableAuthenticator?required=true")]
    [InlineData(true, null)]
    public async Task Outside_development_administrators_must_set_up_two_factor_sign_in_unless_configured_otherwise(bool optOut, string? sentTo)
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", Settings = { ["Security:AllowAdministratorsWithoutTwoFactor"] = optOut.ToString() } };
        await app.CreateUserAsync("admin-2fa@test.local", "Test-Passw0rd!", BackOffice.Web.Features.Roles.Administrator);
        await app.CreateUserAsync("operator-2fa@test.local", "Test-Passw0rd!", BackOffice.Web.Features.Roles.Operator);
        var admin = app.CreateBrowserLikeClient();
        await admin.SignInAsync("admin-2fa@test.local", "Test-Passw0rd!");
        var clerk = app.CreateBrowserLikeClient();
        await clerk.SignInAsync("operator-2fa@test.local", "Test-Passw0rd!");

        var page = await admin.GetAsync("/transactions");

        Assert.Equal(sentTo, page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync("/transactions")).StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"No {name} header.");
}
