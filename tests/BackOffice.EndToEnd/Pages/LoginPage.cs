using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

public sealed class LoginPage(IPage page, Words? words = null)
{
    private readonly Words w = words ?? Words.English;

    public async Task GotoAsync() => await page.GotoAsync("Account/Login");

    /// <summary>The administrator seeded from the root appsettings.Development.json.</summary>
    public const string AdministratorEmail = "admin@backoffice.local";
    public const string AdministratorPassword = "Klarna-Demo-2026!";

    public async Task SignInAsAdministratorAsync()
    {
        await GotoAsync();
        await SubmitAsync(AdministratorEmail, AdministratorPassword);
        await new ShellPage(page, w).WaitUntilInteractiveAsync();
    }

    public async Task SubmitAsync(string email, string password)
    {
        await page.GetByLabel(w["Email"]).FillAsync(email);
        await page.GetByLabel(w["Password"]).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = w["Log in"], Exact = true }).ClickAsync();
    }

    public async Task ExpectShownAsync() =>
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Exact = true })).ToBeVisibleAsync();

    public async Task ExpectInvalidAttemptAsync() =>
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Invalid login attempt" })).ToBeVisibleAsync();

    public async Task ExpectLockedOutAsync()
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Lockout$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Locked out" })).ToBeVisibleAsync();
    }
}
