using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

[Collection(BrowserCollection.Name)]
public sealed class ChannelJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task Administrator_sets_up_a_channel_initializes_it_and_finds_ratenkauf()
    {
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        var channels = new ChannelsPage(page);
        var channel = new ChannelPage(page);

        await channels.GotoAsync();
        await channels.CreateAsync("shop-de", "Shop Germany");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(channel.Card("Invoice").GetByTestId("initialization")).ToContainTextAsync("Never initialized");
        await channel.ConfigureAsync("Invoice", 1395, "demo-invoice-secret-1395");
        await channel.ConfigureAsync("Installments", 2728, "demo-installments-secret-2728");
        await channel.InitializeAsync("Invoice");
        await channel.InitializeAsync("Installments");

        // An unsaved secret is never what Initialize uses: it waits for Save.
        await channel.Card("Invoice").GetByLabel("Shared secret").FillAsync("a-wrong-secret");
        await Expect(channel.InitializeButton("Invoice")).ToBeDisabledAsync();
        await Expect(channel.Card("Invoice").GetByTestId("save-first")).ToBeVisibleAsync();
        // Nor is it dropped silently: leaving the page asks first.
        await new ShellPage(page).NavigationLink("Transactions").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Unsaved changes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stay" }).ClickAsync();
        // The dialog hands the focus back as it goes; the field is cleared once it is gone, as a person would.
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(channel.Card("Invoice").GetByLabel("Shared secret")).ToHaveValueAsync("a-wrong-secret");
        await channel.Card("Invoice").GetByLabel("Shared secret").FillAsync("");
        await Expect(channel.Card("Invoice").GetByLabel("Shared secret")).ToHaveValueAsync("");
        await Expect(channel.InitializeButton("Invoice")).ToBeEnabledAsync();

        var pclasses = new PClassesPage(page);
        await pclasses.GotoAsync();
        await pclasses.FilterAsync("Channel", "shop-de");
        await pclasses.FilterAsync("Country", "DE");
        await pclasses.FilterAsync("Currency", "EUR");
        // The list follows the filters: Austria's PClasses of the same merchant are gone.
        await Expect(pclasses.RowsWithCell("AT")).ToHaveCountAsync(0);

        var ratenkauf = pclasses.Row("Ratenkauf").Filter(new() { HasText = "2728" });
        await Expect(ratenkauf).ToContainTextAsync("3113");
        await Expect(ratenkauf).ToContainTextAsync("24");
        await Expect(ratenkauf).ToContainTextAsync("14.95 %");
        await Expect(pclasses.Row("pay within 14 days")).ToBeVisibleAsync();
        await pclasses.CalculateAsync("1,000.00");
        await Expect(ratenkauf).ToContainTextAsync("56.08");
        await Expect(ratenkauf).ToContainTextAsync("1,206.60");
        await pclasses.CalculateAsync("-5");
        await Expect(page.GetByText("Enter an amount above zero.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "backoffice-pclasses.png"), FullPage = true });
    }

    [Fact]
    public async Task An_operator_cannot_open_the_channel_pages()
    {
        await app.CreateUserAsync("operator-channels@backoffice.local", "Operator-Passw0rd!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-channels@backoffice.local", "Operator-Passw0rd!");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await Expect(new ShellPage(page).NavigationLink("Channels")).ToHaveCountAsync(0);
        await page.GotoAsync("channels/demo");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/AccessDenied"));
    }
}
