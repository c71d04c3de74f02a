using System.Net;
using System.Text.RegularExpressions;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Tests.Infrastructure;
using Hangfire;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace BackOffice.Web.Tests.Features.Users;

/// <summary>
/// "Forgot password" over real HTTP with the mail delivered to a real SMTP listener: the link comes from the configured
/// public address whatever Host a request names, asking ends nobody's session, and asking is limited.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed partial class ForgotPasswordTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://backoffice.shop.example/";
    private const string Email = "vera@shop.example";
    private const string Password = "Vera-Passw0rd-old";
    private readonly SmtpListener smtp = new();
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly BackOfficeAppFactory app;
    private HttpClient client = null!;

    public ForgotPasswordTests()
    {
        app = new BackOfficeAppFactory { Clock = clock };
        foreach (var (key, value) in smtp.AppSettings)
            app.Settings[key] = value;
        app.Settings["App:PublicBaseUrl"] = PublicBaseUrl;
    }

    public async Task InitializeAsync()
    {
        app.StartOnLoopback();
        client = app.CreateLoopbackClient();
        await app.CreateUserAsync(Email, Password, Roles.Viewer);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_forged_host_reaches_no_mail_and_the_mailed_link_comes_from_the_public_address_and_works()
    {
        var forged = await ForgotAsync(Email, host: "evil.example");
        var asked = await ForgotAsync(Email);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.DoesNotContain("evil.example", asked.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var link = LinkIn(Assert.Single(await smtp.WaitForAsync(1)));
        Assert.StartsWith(PublicBaseUrl + "Account/SetPassword?userId=", link.ToString(), StringComparison.Ordinal);
        await JobsDoneAsync();
        Assert.Single(smtp.Messages);

        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(link, "Vera-Passw0rd-new")).StatusCode);
        await app.CreateLoopbackClient().SignInAsync(Email, "Vera-Passw0rd-new");
    }

    [Fact]
    public async Task Asking_signs_nobody_out_and_keeps_earlier_links_until_a_password_is_set_which_ends_the_rest()
    {
        var signedIn = app.CreateLoopbackClient();
        await signedIn.SignInAsync(Email, Password);
        var stamp = await StampAsync();

        await ForgotAsync(Email);
        await ForgotAsync(Email);
        var mails = await smtp.WaitForAsync(2);
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(stamp, await StampAsync());
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/transactions")).StatusCode);
        var first = await SetPasswordAsync(LinkIn(mails[0]), "Vera-Passw0rd-first");
        Assert.True(first.StatusCode == HttpStatusCode.Redirect, await first.Content.ReadAsStringAsync());
        // The other link, used or not, now says so before its form is filled in: there is no form.
        var second = await client.GetStringAsync(LinkIn(mails[1]).PathAndQuery);
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Contains("expired or was used already", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.Password", second, StringComparison.Ordinal);
        Assert.NotEqual(stamp, await StampAsync());
        var after = await signedIn.GetAsync("/transactions");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/Login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_deactivated_address_gets_the_same_answer_and_no_mail()
    {
        await app.CreateUserAsync("gone@shop.example", Password, Roles.Viewer);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var gone = (await users.FindByEmailAsync("gone@shop.example"))!;
            gone.DeactivatedAt = clock.GetUtcNow();
            Assert.True((await users.UpdateAsync(gone)).Succeeded);
        }

        var unknown = await ForgotAsync("nobody@shop.example");
        var deactivated = await ForgotAsync("gone@shop.example");
        var known = await ForgotAsync(Email);

        Assert.All([unknown, deactivated, known], r => Assert.Equal((HttpStatusCode.Redirect, "/Account/ForgotPasswordConfirmation"),
            (r.StatusCode, r.Headers.Location!.AbsolutePath)));
        await smtp.WaitForAsync(1);
        await JobsDoneAsync();
        Assert.Contains(Email, Assert.Single(smtp.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_gets_at_most_three_links_an_hour_and_an_address_five_requests_in_fifteen_minutes()
    {
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await ForgotAsync(Email)).StatusCode);
        await smtp.WaitForAsync(3);
        await JobsDoneAsync();
        Assert.Equal(3, smtp.Messages.Count);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Redirect, (await ForgotAsync(Email)).StatusCode);
        await smtp.WaitForAsync(4);
        // The link is mailed before its request is audited, in the same job: the count below needs the job done.
        await JobsDoneAsync();
        var limited = await ForgotAsync(Email);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many requests", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(4, await db.AuditEntries.CountAsync(e => e.Action == "Set-password link requested"));
    }

    private async Task<HttpResponseMessage> ForgotAsync(string email, string? host = null)
    {
        var form = await client.GetStringAsync("/Account/ForgotPassword");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/ForgotPassword")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "forgot-password",
                ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
                ["Input.Email"] = email,
            }),
        };
        if (host is not null)
            request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    /// <summary>Opens the link's page on the app's real address (the public one is not reachable here) and submits a new password.</summary>
    private async Task<HttpResponseMessage> SetPasswordAsync(Uri link, string password)
    {
        var form = await client.GetStringAsync(link.PathAndQuery);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        return await client.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "set-password",
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["Input.UserId"] = query["userId"]!,
            ["Input.Code"] = query["code"]!,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        }));
    }

    private static Uri LinkIn(string mail)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail));
        var body = MimeMessage.Load(stream).TextBody ?? "";
        return new Uri(Link().Match(body).Value);
    }

    private async Task<string?> StampAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == Email).Select(u => u.SecurityStamp).SingleAsync();
    }

    /// <summary>Waits until Hangfire has run every job enqueued so far (the mails are sent by a job).</summary>
    private async Task JobsDoneAsync()
    {
        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        for (var attempt = 0; attempt < 400 && (monitoring.EnqueuedCount("default") > 0 || monitoring.ProcessingCount() > 0); attempt++)
            await Task.Delay(50);
        Assert.Equal((0L, 0L), (monitoring.EnqueuedCount("default"), monitoring.ProcessingCount()));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex(@"https?://\S+/Account/SetPassword\?\S+")]
    private static partial Regex Link();
}
