using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// Klarna's virtual cards end to end: an administrator generates the channel's key and enrols it (the sandbox's control
/// API stands in for Klarna's enrolment) and names two marketplace sellers; an operator settles a captured order of both
/// with a card each, sees brand and last four digits per seller, and the acquirer holds both charges. The card numbers
/// are nowhere in the pages; the pages pass axe (the colours again in German and dark) and fit 390 px.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VirtualCardJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_order_of_two_sellers_is_settled_with_a_card_each_shown_by_brand_and_last_four_digits_and_its_numbers_appear_nowhere()
    {
        var admin = await app.NewPageAsync();
        await new LoginPage(admin).GotoAsync();
        await new LoginPage(admin).SignInAsAdministratorAsync();
        await admin.GotoAsync("channels/demo-kp");
        await new ShellPage(admin).WaitUntilInteractiveAsync();
        var cards = admin.GetByTestId("virtual-cards-card");
        await cards.GetByRole(AriaRole.Button, new() { Name = "Generate key" }).ClickAsync();
        var jwk = cards.GetByLabel("Public key (JWK) to send to Klarna");
        await Expect(jwk).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"kty\":\"RSA\""));
        var problems = (await Axe.ViolationsAsync(admin, "the channel's virtual cards, a key awaiting its ID")).ToList();
        using var enrolled = await app.KlarnaRestSandbox.PostAsync("_sandbox/card-keys", new StringContent(await jwk.InputValueAsync(), Encoding.UTF8, "application/json"));
        var keyId = (await enrolled.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key_id").GetString()!;
        await cards.GetByRole(AriaRole.Textbox, new() { Name = "Klarna key ID" }).FillAsync(keyId);
        await cards.GetByRole(AriaRole.Button, new() { Name = "Enter key ID" }).ClickAsync();
        await Expect(cards.GetByTestId("card-key")).ToContainTextAsync("Active, default");
        foreach (var (name, prefix) in new[] { ("Nordlicht Leuchten", "N-"), ("Südsitz Möbel", "S-") })
        {
            await cards.GetByRole(AriaRole.Textbox, new() { Name = "Seller", Exact = true }).FillAsync(name);
            await cards.GetByRole(AriaRole.Textbox, new() { Name = "Article numbers begin" }).FillAsync(prefix);
            await cards.GetByRole(AriaRole.Button, new() { Name = "Add seller" }).ClickAsync();
            await Expect(cards.GetByTestId("seller").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        }

        var (id, klarnaOrderId) = await app.PlaceAtKlarnaAsync("E2E-VC-1", [("N-100", "Floor lamp", 2, 2500), ("S-300", "Oak chair", 1, 4990)]);
        await app.CreateUserAsync("operator-vc@backoffice.local", "Operator-Vc-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-vc@backoffice.local", "Operator-Vc-1!");
        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await new TransactionPage(page).CaptureEverythingAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Captured");
        await page.GetByTestId("virtual-cards").GetByRole(AriaRole.Button, new() { Name = "Settle by virtual card" }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "A card for each seller" })).ToBeCheckedAsync();
        await Expect(dialog).ToContainTextAsync("Südsitz Möbel");
        problems.AddRange(await Axe.ViolationsAsync(page, "the settlement dialog", within: ".mud-dialog"));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Settle", Exact = true }).ClickAsync();

        var charges = page.GetByTestId("card-charge");
        await Expect(charges).ToHaveCountAsync(2);
        var issued = (await app.KlarnaRestSandbox.GetFromJsonAsync<JsonElement>("_sandbox/cards")).EnumerateArray().Where(c => c.GetProperty("order_id").GetString() == klarnaOrderId).ToList();
        Assert.Equal(2, issued.Count);
        foreach (var card in issued)
        {
            var pan = card.GetProperty("pan").GetString()!;
            var row = charges.Filter(new() { HasText = card.GetProperty("reference").GetString() });
            await Expect(row.GetByTestId("card")).ToHaveTextAsync($"VISA •••• {pan[^4..]}");
            await Expect(row.GetByTestId("charge-state")).ToContainTextAsync("Captured");
            Assert.DoesNotContain(pan, await page.ContentAsync(), StringComparison.Ordinal);
        }
        var payments = (await app.AcquirerSandbox.GetFromJsonAsync<JsonElement>("_sandbox/payments")).EnumerateArray().ToList();
        Assert.Equal([4990L, 5000L], payments.Select(p => p.GetProperty("captured_amount").GetInt64()).Order());
        problems.AddRange(await Axe.ViolationsAsync(page, "a transaction settled by virtual cards"));
        problems.AddRange(app.PolicyViolationsOn(page));

        var german = await app.NewPageAsync("de-DE");
        await new LoginPage(german, Words.German).GotoAsync();
        await new LoginPage(german, Words.German).SignInAsAdministratorAsync();
        await new ShellPage(german, Words.German).ToggleDarkModeAsync();
        await german.GotoAsync($"transactions/{id}");
        await new ShellPage(german, Words.German).WaitUntilInteractiveAsync();
        await Expect(german.GetByTestId("virtual-cards")).ToContainTextAsync("Virtuelle Karten");
        await Expect(german.GetByTestId("charge-state").First).ToContainTextAsync("Erfasst");
        problems.AddRange(await Axe.ViolationsAsync(german, "a transaction settled by virtual cards, in German and dark", coloursOnly: true));

        var phone = await app.NewPageAsync(width: 390, height: 844);
        await new LoginPage(phone).GotoAsync();
        await new LoginPage(phone).SubmitAsync("operator-vc@backoffice.local", "Operator-Vc-1!");
        await phone.GotoAsync($"transactions/{id}");
        await new ShellPage(phone).WaitUntilInteractiveAsync();
        await Expect(phone.GetByTestId("card-charge")).ToHaveCountAsync(2);
        var width = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The transaction page with its cards is {width} px wide at 390 px.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
