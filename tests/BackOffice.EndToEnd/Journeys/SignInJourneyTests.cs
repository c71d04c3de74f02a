using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourneyTests(BrowserAppFixture app)
{
    private const string AdminEmail = LoginPage.AdministratorEmail;
    private const string AdminPassword = LoginPage.AdministratorPassword;

    [Fact]
    public async Task A_user_chooses_the_time_zone_of_the_times_shown_and_the_pages_follow_it()
    {
        await app.CreateUserAsync("viewer-zone@backoffice.local", "Viewer-Zone-1!", "Viewer");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("viewer-zone@backoffice.local", "Viewer-Zone-1!");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await new ShellPage(page).NavigationLink("Your account").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Preferences" }).ClickAsync();
        await page.GetByLabel("Time zone of the times shown").SelectOptionAsync("Asia/Tokyo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Times are now shown in Asia/Tokyo.");

        await page.GotoAsync("transactions");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Created (Tokyo time)" })).ToBeVisibleAsync();

        await page.GotoAsync("Account/Manage/Preferences");
        await Expect(page.GetByLabel("Time zone of the times shown")).ToHaveValueAsync("Asia/Tokyo");
        await page.GetByLabel("Time zone of the times shown").SelectOptionAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GotoAsync("transactions");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Created (Berlin time)" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Administrator_signs_in_sees_the_shell_switches_to_dark_mode_and_signs_out()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        var shell = new ShellPage(page);

        await login.GotoAsync();
        await login.SubmitAsync(AdminEmail, AdminPassword);

        await shell.WaitUntilInteractiveAsync();
        await shell.ExpectSignedInAsAsync(AdminEmail);
        foreach (var entry in new[] { "Overview", "Transactions", "Channels", "PClasses", "Jobs", "Audit log", "Users", "Your account" })
            await Expect(shell.NavigationLink(entry)).ToBeVisibleAsync();

        var lightBackground = await shell.BackgroundColorAsync();
        await shell.ToggleDarkModeAsync();
        await Expect(shell.LightModeButton).ToBeVisibleAsync();
        var darkBackground = await shell.BackgroundColorAsync();
        Assert.NotEqual(lightBackground, darkBackground);

        await page.ReloadAsync();
        await shell.WaitUntilInteractiveAsync();
        await Expect(shell.LightModeButton).ToBeVisibleAsync();
        Assert.Equal(darkBackground, await shell.BackgroundColorAsync());

        await shell.SignOutAsync();
        await login.ExpectShownAsync();
        await page.GotoAsync("transactions");
        await login.ExpectShownAsync();
    }

    [Fact]
    public async Task A_live_page_left_idle_for_the_session_timeout_signs_out()
    {
        var page = await app.NewPageAsync();
        await page.Clock.InstallAsync();
        var login = new LoginPage(page);
        var shell = new ShellPage(page);
        await login.GotoAsync();
        await login.SubmitAsync(AdminEmail, AdminPassword);
        await shell.WaitUntilInteractiveAsync();

        await page.Clock.RunForAsync("14:00");
        await shell.ExpectSignedInAsAsync(AdminEmail);
        await page.Clock.RunForAsync("01:10");

        await login.ExpectShownAsync();
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused()
    {
        const string email = "clerk@backoffice.local";
        const string password = "Clerk-Passw0rd!";
        await app.CreateUserAsync(email, password, "Operator");
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);

        await login.GotoAsync();
        // A wrong password never tells that the account is locked: only the right one does.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await login.SubmitAsync(email, $"wrong-{attempt}");
            await login.ExpectInvalidAttemptAsync();
        }

        await login.GotoAsync();
        await login.SubmitAsync(email, password);

        await login.ExpectLockedOutAsync();
        await page.GotoAsync("transactions");
        await login.ExpectShownAsync();
    }

    [Fact]
    public async Task Viewer_sees_only_transactions_and_pclasses_and_is_refused_channels()
    {
        const string email = "viewer@backoffice.local";
        const string password = "Viewer-Passw0rd!";
        await app.CreateUserAsync(email, password, "Viewer");
        var page = await app.NewPageAsync();
        var shell = new ShellPage(page);

        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync(email, password);
        await shell.WaitUntilInteractiveAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(shell.NavigationLink("Transactions")).ToBeVisibleAsync();
        await Expect(shell.NavigationLink("PClasses")).ToBeVisibleAsync();
        await Expect(shell.NavigationLink("Channels")).ToHaveCountAsync(0);
        await Expect(shell.NavigationLink("Users")).ToHaveCountAsync(0);

        await page.GotoAsync("channels");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/AccessDenied"));
    }
}
