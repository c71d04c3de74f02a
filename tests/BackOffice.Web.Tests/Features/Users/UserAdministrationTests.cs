using System.Net;
using System.Text.RegularExpressions;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Web.Tests.Features.Users;

/// <summary>User administration and sign-in rules over the real app, on a clock the test moves.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed partial class UserAdministrationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private readonly string mail = Path.Combine(Path.GetTempPath(), $"backoffice-mail-{Guid.NewGuid():N}");
    private readonly BackOfficeAppFactory app;
    private System.Security.Claims.ClaimsPrincipal admin = null!;

    public UserAdministrationTests()
    {
        app = new BackOfficeAppFactory { Clock = clock };
        app.Settings["Email:PickupDirectory"] = mail;
        app.Settings["Security:RequireTwoFactorForRoles:0"] = "Administrator";
    }

    public async Task InitializeAsync()
    {
        app.CreateClient();
        await using var scope = app.Services.CreateAsyncScope();
        var seeded = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(IdentitySeeder.DefaultAdminEmail);
        admin = Principal(seeded!.Id, seeded.Email!, Roles.Administrator);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        if (Directory.Exists(mail))
            Directory.Delete(mail, recursive: true);
    }

    [Fact]
    public async Task A_new_user_gets_a_link_mailed_that_sets_a_password_once_and_then_signs_in()
    {
        var link = await Administration(a => a.CreateAsync(admin, "olga@shop.example", "Olga Operator", Roles.Operator));

        Assert.Equal(clock.GetUtcNow().AddHours(24), link.ExpiresAt);
        Assert.True(link.Mailed);
        var eml = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(mail, "*.eml")));
        Assert.Contains("olga@shop.example", eml, StringComparison.Ordinal);
        Assert.Contains(link.Link.Query[(link.Link.Query.IndexOf("code=", StringComparison.Ordinal) + 5)..][..20], eml, StringComparison.Ordinal);
        Assert.Equal(UserStatus.Invited, (await RowAsync("olga@shop.example")).Status);

        var first = await SetPasswordAsync(link, "correct horse battery");
        var second = await SetPasswordAsync(link, "another long password");

        Assert.True(first.Succeeded);
        Assert.Contains("expired or was used already", Assert.Single(second.Errors).Description, StringComparison.Ordinal);
        var row = await RowAsync("olga@shop.example");
        Assert.Equal((UserStatus.Active, "Olga Operator", Roles.Operator), (row.Status, row.DisplayName, row.Role));
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync("olga@shop.example", "correct horse battery");
        Assert.NotNull((await RowAsync("olga@shop.example")).LastSignInAt);
        Assert.Contains(await AuditAsync(), e => e.Action == "User created" && e.User == IdentitySeeder.DefaultAdminEmail && e.Subject == "olga@shop.example");
    }

    [Fact]
    public async Task A_user_who_reads_german_gets_the_link_mailed_in_german()
    {
        await Administration(a => a.CreateAsync(admin, "greta@shop.example", "Greta", Roles.Viewer));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var greta = (await users.FindByEmailAsync("greta@shop.example"))!;
            greta.Language = "de";
            Assert.True((await users.UpdateAsync(greta)).Succeeded);
        }
        var english = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(mail, "*.eml")));

        var id = (await RowAsync("greta@shop.example")).Id;
        await Administration(a => a.NewLinkAsync(admin, id));

        var german = await File.ReadAllTextAsync(Directory.GetFiles(mail, "*.eml").Single(f => File.ReadAllText(f) != english));
        Assert.Contains("Subject: Ihr Konto im Klarna Back Office", german, StringComparison.Ordinal);
        Assert.Contains("setzen Sie hier das Passwort", german, StringComparison.Ordinal);
        Assert.Contains("Subject: Your Klarna Back Office account", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_link_ends_the_older_one_at_once_and_a_link_works_once_within_24_hours()
    {
        var first = await Administration(a => a.CreateAsync(admin, "late@shop.example", "Late", Roles.Viewer));
        var row = await RowAsync("late@shop.example");
        var second = await Administration(a => a.NewLinkAsync(admin, row.Id));

        // Minutes old, far from expired: refused because the newer link replaced it.
        Assert.False((await SetPasswordAsync(first, "a password of length")).Succeeded);

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.False((await SetPasswordAsync(second, "a password of length")).Succeeded);

        var third = await Administration(a => a.NewLinkAsync(admin, row.Id));
        clock.Advance(TimeSpan.FromHours(23));
        Assert.True((await SetPasswordAsync(third, "a password of length")).Succeeded);
        Assert.False((await SetPasswordAsync(third, "another password of length")).Succeeded);
    }

    [Fact]
    public async Task Passwords_need_twelve_characters_and_no_composition_rules()
    {
        var link = await Administration(a => a.CreateAsync(admin, "pass@shop.example", "Pass", Roles.Viewer));

        var tooShort = await SetPasswordAsync(link, "elevenchars");
        var lettersOnly = await SetPasswordAsync(link, "twelvelowers");

        Assert.False(tooShort.Succeeded);
        Assert.Contains("12", tooShort.Errors.First().Description, StringComparison.Ordinal);
        Assert.True(lettersOnly.Succeeded);
    }

    [Fact]
    public async Task The_last_active_administrator_cannot_be_demoted_locked_or_deactivated_nor_can_an_administrator_lock_themselves()
    {
        var other = await ActiveUserAsync("second-admin@shop.example", Roles.Administrator);
        var seeded = await RowAsync(IdentitySeeder.DefaultAdminEmail);
        var otherAdmin = Principal(other.Id, other.Email, Roles.Administrator);

        var self = await Assert.ThrowsAsync<BusinessRuleException>(() => Administration(a => Done(a.LockAsync(admin, seeded.Id))));
        await Administration(a => Done(a.DeactivateAsync(admin, other.Id)));
        // The other administrator is deactivated: its open page can no longer act at all.
        var last = await Assert.ThrowsAsync<AccessRefusedException>(() => Administration(a => Done(a.ChangeRoleAsync(otherAdmin, seeded.Id, Roles.Viewer))));
        var lastLock = await Assert.ThrowsAsync<AccessRefusedException>(() => Administration(a => Done(a.LockAsync(otherAdmin, seeded.Id))));

        Assert.Contains("yourself", self.Message, StringComparison.Ordinal);
        Assert.Contains("Your account was deactivated", last.Message, StringComparison.Ordinal);
        Assert.Contains("Your account was deactivated", lastLock.Message, StringComparison.Ordinal);
        Assert.Equal(Roles.Administrator, (await RowAsync(IdentitySeeder.DefaultAdminEmail)).Role);
        await Administration(a => Done(a.ReactivateAsync(admin, other.Id)));
        await Administration(a => Done(a.ChangeRoleAsync(admin, other.Id, Roles.Operator)));
        Assert.Equal(Roles.Operator, (await RowAsync("second-admin@shop.example")).Role);
        Assert.Contains(await AuditAsync(), e => e.Action == "User role changed" && e.Details == "Administrator → Operator");
        await Assert.ThrowsAsync<AccessRefusedException>(() => Administration(a => Done(a.LockAsync(Principal(other.Id, other.Email, Roles.Operator), seeded.Id))));
    }

    [Fact]
    public async Task Deactivation_ends_the_users_sessions_within_a_minute_and_sign_in_after_it()
    {
        var user = await ActiveUserAsync("leaver@shop.example", Roles.Operator);
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync(user.Email, Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/transactions")).StatusCode);

        await Administration(a => Done(a.DeactivateAsync(admin, user.Id)));
        clock.Advance(TimeSpan.FromSeconds(61));

        var after = await client.GetAsync("/transactions");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/Login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var again = await SubmitLoginAsync(app.CreateBrowserLikeClient(), user.Email, Password);
        Assert.Contains("deactivated", again, StringComparison.Ordinal);
        Assert.Equal(UserStatus.Deactivated, (await RowAsync(user.Email)).Status);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_an_account_for_fifteen_minutes_which_the_page_says()
    {
        var user = await ActiveUserAsync("fumbler@shop.example", Roles.Viewer);
        var client = app.CreateBrowserLikeClient();

        for (var i = 0; i < 5; i++)
            await SubmitLoginAsync(client, user.Email, "wrong password entirely");
        var locked = await SubmitLoginAsync(client, user.Email, Password);
        var row = await RowAsync(user.Email);
        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        Assert.Contains("locked until 2026-11-25 09:15 UTC", locked, StringComparison.Ordinal);
        Assert.Equal(UserStatus.Locked, row.Status);
        await app.CreateBrowserLikeClient().SignInAsync(user.Email, Password);
    }

    [Theory]
    [InlineData("deactivated")]
    [InlineData("locked")]
    public async Task The_state_of_an_account_is_told_only_to_whoever_knows_its_password(string state)
    {
        var user = await ActiveUserAsync($"secret-{state.Length}@shop.example", Roles.Viewer);
        await Administration(a => Done(state == "locked" ? a.LockAsync(admin, user.Id) : a.DeactivateAsync(admin, user.Id)));

        var guessed = await SubmitLoginAsync(app.CreateBrowserLikeClient(), user.Email, "a guessed password");
        var known = await SubmitLoginAsync(app.CreateBrowserLikeClient(), user.Email, Password);

        Assert.Contains("Invalid login attempt", guessed, StringComparison.Ordinal);
        Assert.DoesNotContain(state, guessed, StringComparison.Ordinal);
        Assert.Contains(state == "locked" ? "until an administrator unlocks it" : "deactivated", known, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_unlocks_a_locked_account()
    {
        var user = await ActiveUserAsync("unlucky@shop.example", Roles.Viewer);
        await Administration(a => Done(a.LockAsync(admin, user.Id)));
        Assert.Contains("until an administrator unlocks it", await SubmitLoginAsync(app.CreateBrowserLikeClient(), user.Email, Password), StringComparison.Ordinal);

        await Administration(a => Done(a.UnlockAsync(admin, user.Id)));

        await app.CreateBrowserLikeClient().SignInAsync(user.Email, Password);
    }

    [Fact]
    public async Task A_session_ends_on_the_server_after_fifteen_idle_minutes()
    {
        var user = await ActiveUserAsync("idle@shop.example", Roles.Viewer);
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync(user.Email, Password);
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/transactions")).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/transactions")).StatusCode);
    }

    [Fact]
    public async Task A_role_that_requires_two_factor_sign_in_sees_only_the_enrolment_until_it_is_set_up()
    {
        var user = await ActiveUserAsync("new-admin@shop.example", Roles.Administrator);
        var viewer = await ActiveUserAsync("plain-viewer@shop.example", Roles.Viewer);
        var client = app.CreateBrowserLikeClient();
        await client.SignInAsync(user.Email, Password);

        var page = await client.GetAsync("/transactions");
        var enrolment = await client.GetAsync("/Account/Manage/EnableAuthenticator?required=true");
        var viewerClient = app.CreateBrowserLikeClient();
        await viewerClient.SignInAsync(viewer.Email, Password);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Account/Manage/EnableAuthenticator?required=true", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, enrolment.StatusCode);
        Assert.Contains("Your role requires two-factor authentication", await enrolment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await viewerClient.GetAsync("/transactions")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_and_creates_nothing()
    {
        await Assert.ThrowsAsync<BusinessRuleException>(() => Administration(a => a.CreateAsync(admin, "not-an-address", "X", Roles.Viewer)));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Administration(a => a.CreateAsync(admin, "x@shop.example", "X", "Superuser")));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Administration(a => a.CreateAsync(admin, "x@shop.example", " ", Roles.Viewer)));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Administration(a => a.CreateAsync(admin, IdentitySeeder.DefaultAdminEmail, "Twin", Roles.Viewer)));

        Assert.Single(await Administration(a => a.ListAsync(admin, new UserSearch())));
    }

    private const string Password = "long enough password";

    private async Task<(string Id, string Email)> ActiveUserAsync(string email, string role)
    {
        var link = await Administration(a => a.CreateAsync(admin, email, email.Split('@')[0], role));
        Assert.True((await SetPasswordAsync(link, Password)).Succeeded);
        return ((await RowAsync(email)).Id, email);
    }

    private async Task<IdentityResult> SetPasswordAsync(SetPasswordLink link, string password)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Link.Query);
        return await Administration(a => a.SetPasswordAsync(query["userId"]!, query["code"]!, password));
    }

    /// <summary>Posts the login form and answers the page it ends on (following one redirect, e.g. to the lockout page).</summary>
    private static async Task<string> SubmitLoginAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        return response.StatusCode == HttpStatusCode.Redirect
            ? await client.GetStringAsync(response.Headers.Location)
            : await response.Content.ReadAsStringAsync();
    }

    private async Task<UserRow> RowAsync(string email) =>
        (await Administration(a => a.ListAsync(admin, new UserSearch(email)))).Single(r => r.Email == email);

    private async Task<List<BackOffice.Web.Features.AuditLog.AuditEntry>> AuditAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Area == "Users").ToListAsync();
    }

    private async Task<T> Administration<T>(Func<UserAdministration, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    private static async Task<bool> Done(Task work)
    {
        await work;
        return true;
    }

    private static System.Security.Claims.ClaimsPrincipal Principal(string id, string email, string role) =>
        new(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.NameIdentifier, id), new(System.Security.Claims.ClaimTypes.Name, email), new(System.Security.Claims.ClaimTypes.Role, role)], "Test"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
