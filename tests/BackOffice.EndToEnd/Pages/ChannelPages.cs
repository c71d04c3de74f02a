using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

public sealed class ChannelsPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("channels");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public async Task CreateAsync(string code, string name)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New channel" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Code").FillAsync(code);
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/channels/{code}$"));
    }
}

/// <summary>One channel: a card per Klarna service.</summary>
public sealed class ChannelPage(IPage page)
{
    public ILocator Card(string service) => page.GetByTestId($"service-{service}");

    public async Task ConfigureAsync(string service, int merchantId, string secret)
    {
        var card = Card(service);
        await card.GetByLabel("Enabled").CheckAsync();
        await card.GetByLabel("Merchant ID (eid)").FillAsync(merchantId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await card.GetByLabel("Shared secret").FillAsync(secret);
        await card.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Save") }).ClickAsync();
        await Expect(card.GetByLabel("Secret set")).ToBeVisibleAsync();
    }

    public ILocator InitializeButton(string service) =>
        Card(service).GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Initialize") });

    public async Task InitializeAsync(string service)
    {
        var card = Card(service);
        await InitializeButton(service).ClickAsync();
        await Expect(card.GetByTestId("initialization")).ToContainTextAsync("Initialized");
    }
}

public sealed class PClassesPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("pclasses");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public async Task FilterAsync(string label, string value)
    {
        var select = page.GetByLabel(label, new() { Exact = true });
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = value, Exact = true }).ClickAsync();
        await Expect(select).ToContainTextAsync(value);
    }

    /// <summary>The rows with a cell that reads exactly <paramref name="text"/> (a country, a currency).</summary>
    public ILocator RowsWithCell(string text) => page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = text, Exact = true }) });

    public ILocator Row(string text) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = text });

    public async Task CalculateAsync(string amount) => await page.GetByLabel("Amount to calculate").FillAsync(amount);
}
