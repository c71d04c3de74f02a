using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

/// <summary>The signed-in frame: app bar and navigation drawer.</summary>
public sealed class ShellPage(IPage page, Words? words = null)
{
    private readonly Words w = words ?? Words.English;

    private ILocator Navigation => page.GetByRole(AriaRole.Navigation, new() { Name = w["Main navigation"] });

    /// <summary>Prerendered pages look ready before the circuit is; wait for the layout's interactivity marker.</summary>
    public async Task WaitUntilInteractiveAsync() =>
        await Expect(page.Locator(".app-root[data-interactive=true]")).ToBeVisibleAsync();

    public ILocator NavigationLink(string name) => Navigation.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public async Task ExpectSignedInAsAsync(string email) =>
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(email);

    public async Task ToggleDarkModeAsync() =>
        await page.GetByRole(AriaRole.Button, new() { Name = w["Switch to dark mode"] }).ClickAsync();

    public ILocator LightModeButton => page.GetByRole(AriaRole.Button, new() { Name = w["Switch to light mode"] });

    public async Task<string> BackgroundColorAsync() =>
        await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    public async Task SignOutAsync() =>
        await page.GetByRole(AriaRole.Button, new() { Name = w["Sign out"] }).ClickAsync();
}
