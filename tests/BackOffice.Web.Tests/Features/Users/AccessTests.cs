using System.Net;
using BackOffice.Web.Features;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features.Users;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class AccessTests(BackOfficeAppFactory app) : IClassFixture<BackOfficeAppFactory>
{
    private const string Password = "Test-Passw0rd!";

    [Fact]
    public async Task Health_answers_healthy_when_the_database_answers()
    {
        var response = await app.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_transactions_redirects_to_the_login_page()
    {
        var response = await app.CreateBrowserLikeClient().GetAsync("/transactions");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_page_does_not_exist()
    {
        var response = await app.CreateClient().GetAsync("/Account/Register");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Login_page_offers_no_registration()
    {
        var page = await app.CreateClient().GetStringAsync("/Account/Login");

        Assert.Contains("Log in", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Register", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Hangfire_dashboard_refuses_anonymous_users()
    {
        var response = await app.CreateBrowserLikeClient().GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_dashboard_refuses_an_operator()
    {
        var client = await SignedInClientAsync("operator-hangfire@test.local", Roles.Operator);

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_dashboard_opens_for_an_administrator()
    {
        var client = await SignedInClientAsync("admin-hangfire@test.local", Roles.Administrator);

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Klarna Back Office jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/channels")]
    [InlineData("/jobs")]
    [InlineData("/audit-log")]
    [InlineData("/users")]
    public async Task Administrator_pages_refuse_a_viewer_on_the_server(string path)
    {
        var client = await SignedInClientAsync($"viewer{path.Replace('/', '-')}@test.local", Roles.Viewer);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/transactions")]
    [InlineData("/pclasses")]
    public async Task Staff_pages_open_for_a_viewer(string path)
    {
        var client = await SignedInClientAsync($"viewer-reads{path.Replace('/', '-')}@test.local", Roles.Viewer);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Keep_alive_renews_a_signed_in_session_and_refuses_anonymous_users()
    {
        var client = await SignedInClientAsync("keepalive@test.local", Roles.Viewer);

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/Account/KeepAlive")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateBrowserLikeClient().GetAsync("/Account/KeepAlive")).StatusCode);
    }

    [Fact]
    public async Task Static_files_from_wwwroot_assets_are_served()
    {
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/app.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/logo.svg")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/favicon.png")).StatusCode);
    }

    private async Task<HttpClient> SignedInClientAsync(string email, string role)
    {
        await app.CreateUserAsync(email, Password, role);
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync(email, Password);
        return client;
    }
}
