using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// A subscription a shop sold through the shop API, found by an operator by the customer's personal number (the exact
/// value only), shown with Klarna's address and the number masked, and cancelled at its period's end; in German too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SubscriptionJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_operator_finds_a_subscription_by_personal_number_sees_klarnas_address_masked_number_and_cancels_it_at_the_period_end()
    {
        var id = await app.SubscribeAsync("e2e-journey@example.com", "19600707-4711");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        await new ShellPage(page).NavigationLink("Subscriptions").ClickAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();

        var search = page.GetByLabel("Account, e-mail or personal number");
        await search.FillAsync("4711");
        await search.PressAsync("Enter");
        await Expect(page.GetByText("No subscription matches.")).ToBeVisibleAsync();
        await search.FillAsync("196007074711");
        await search.PressAsync("Enter");
        var rows = page.GetByTestId("subscriptions").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.GetByRole(AriaRole.Link, new() { Name = "e2e-journey@example.com" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"subscriptions/{id}$"));
        await Expect(page.GetByTestId("personal-number")).ToHaveTextAsync("••••4711");
        await Expect(page.GetByTestId("billing-address")).ToHaveTextAsync("Heidestraße 17, 51147 Köln, DE");
        await Expect(page.GetByTestId("subscription-state")).ToHaveTextAsync("Active");
        Assert.DoesNotContain("196007074711", await page.ContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel at period end" }).ClickAsync();
        await Expect(page.GetByText("Ends at the period's end")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Cancel at period end");
        await Expect(page.GetByTestId("charges").Locator("tbody a")).ToHaveCountAsync(1);

        var german = await app.NewPageAsync("de-DE");
        await new LoginPage(german, Words.German).GotoAsync();
        await new LoginPage(german, Words.German).SignInAsAdministratorAsync();
        await german.GotoAsync($"subscriptions/{id}");
        await new ShellPage(german, Words.German).WaitUntilInteractiveAsync();
        await Expect(german.GetByTestId("subscription-state")).ToHaveTextAsync("Aktiv");
        await Expect(german.GetByText("Endet zum Ende des Zeitraums")).ToBeVisibleAsync();
    }
}
