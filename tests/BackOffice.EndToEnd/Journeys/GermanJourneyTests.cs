using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// The back office in German: a German browser gets it from the sign-in page on (on a phone, 390 px), and a user of an
/// English browser chooses it in the preferences (on a desktop, 1400 px). Texts, MudBlazor's own texts, amounts, dates
/// and the times' zone follow the language; every page passes axe's colour contrast in it (the whole rule set runs on the
/// same pages in English).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GermanJourneyTests(BrowserAppFixture app)
{
    private static readonly (string Path, string Heading)[] Pages =
    [
        ("", "Übersicht"), ("transactions", "Transaktionen"), ("channels", "Kanäle"), ("pclasses", "PClasses"), ("jobs", "Jobs"),
        ("audit-log", "Audit-Log"), ("users", "Benutzer"), ("computop/batches", "Computop-Batch-Dateien"),
    ];

    [Fact]
    public async Task A_german_browser_on_a_phone_gets_every_page_in_german_and_captures_the_german_way()
    {
        var id = await app.ReserveAsync("E2E-DE-PHONE-1");
        var page = await app.NewPageAsync(locale: "de-DE", width: 390, height: 844);
        var login = new LoginPage(page, Words.German);
        await login.GotoAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Anmelden", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        var problems = new List<string>(await Axe.ViolationsAsync(page, "die Anmeldeseite at 390 px", coloursOnly: true));
        await login.SignInAsAdministratorAsync();

        foreach (var (path, heading) in Pages)
        {
            await page.GotoAsync(path);
            await new ShellPage(page, Words.German).WaitUntilInteractiveAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true, Level = 1 })).ToBeVisibleAsync();
            problems.AddRange(await Axe.ViolationsAsync(page, $"/{path} auf Deutsch at 390 px", coloursOnly: true));
            if (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") > 390)
                problems.Add($"/{path} scrolls sideways in German.");
        }

        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page, Words.German).WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("remaining")).ToHaveTextAsync("25,50 €");
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Autorisiert");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aktionen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Erstatten Es wurde noch nichts erfasst." })).ToBeDisabledAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCSSAsync("opacity", "1");
        problems.AddRange(await Axe.ViolationsAsync(page, "das Aktionsmenü at 390 px", coloursOnly: true));
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Erfassen", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(page.Locator(".mud-dialog")).ToHaveCSSAsync("opacity", "1");
        await page.WaitForFunctionAsync("() => document.querySelector('.mud-dialog')?.contains(document.activeElement)");
        problems.AddRange(await Axe.ViolationsAsync(page, "der Erfassen-Dialog at 390 px", coloursOnly: true));
        await dialog.GetByText("Einen Betrag").ClickAsync();
        await dialog.GetByLabel("Betrag", new() { Exact = true }).FillAsync("30,00");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Höchstens 25,50 € können erfasst werden.");
        await dialog.GetByLabel("Betrag", new() { Exact = true }).FillAsync("10,50");
        await Expect(dialog.GetByTestId("total")).ToHaveTextAsync("10,50 € erfassen");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Prüfen" }).ClickAsync();
        await Expect(dialog.GetByTestId("confirmation")).ToContainTextAsync("10,50 € von Bestellung E2E-DE-PHONE-1 erfassen?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Erfassung bestätigen" }).ClickAsync();

        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("10,50 € erfasst; Rechnung");
        await Expect(page.GetByTestId("remaining")).ToHaveTextAsync("15,00 €");
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Teilweise erfasst");
        await Expect(page.GetByTestId("operation").First).ToContainTextAsync("Erfassung");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task An_english_browser_user_chooses_german_on_a_desktop_and_lists_dates_and_the_audit_log_follow()
    {
        await app.ReserveAsync("E2E-DE-DESK-1");
        await app.CreateUserAsync("operator-deutsch@backoffice.local", "Operator-Deutsch-1!", "Administrator");
        var page = await app.NewPageAsync(width: 1400, height: 900);
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-deutsch@backoffice.local", "Operator-Deutsch-1!");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await page.GotoAsync("Account/Manage/Preferences");
        await page.GetByLabel("Language").SelectOptionAsync("de");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Zeiten werden jetzt in der Zeitzone des Back Office angezeigt (Europe/Berlin).");
        await Expect(page.GetByLabel("Sprache")).ToHaveValueAsync("de");

        var list = new TransactionsPage(page, Words.German);
        await list.GotoAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await list.SearchAsync("E2E-DE-DESK-1");
        await Expect(list.Order("E2E-DE-DESK-1")).ToBeVisibleAsync();
        foreach (var column in new[] { "Bestellung", "Reservierung", "Status", "Betrag", "Kunde", "Erstellt (Ortszeit Berlin)", "Läuft ab (Ortszeit Berlin)" })
        {
            var header = await page.GetByRole(AriaRole.Columnheader, new() { Name = column }).First.BoundingBoxAsync();
            Assert.True(header is not null && header.X + header.Width <= 1400, $"Die Spalte {column} ist nicht zu sehen ({header?.X}).");
        }
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "E2E-DE-DESK-1" })).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d\d\.\d\d\.\d{4} \d\d:\d\d"));
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Seiten" })).ToContainTextAsync("Zeilen pro Seite");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 1400, "Die Liste scrollt seitwärts.");
        Assert.True(await page.EvaluateAsync<bool>("() => { const t = document.querySelector('.transactions-grid .mud-table-container'); return t.scrollWidth <= t.clientWidth; }"),
            "Die Tabelle ist breiter als ihr Kasten: ihre letzten Spalten sind abgeschnitten.");
        Assert.Empty(await Axe.ViolationsAsync(page, "die Liste at 1400 px", coloursOnly: true));

        // The date picker speaks German: a German date typed is read, its calendar's buttons are named in German.
        await page.GetByLabel("Erstellt ab").FillAsync("01.01.2020");
        await page.GetByLabel("Erstellt ab").PressAsync("Tab");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=2020-01-01"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Kalender öffnen" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Nächster Monat" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        await list.OpenAsync("E2E-DE-DESK-1");
        var transaction = new TransactionPage(page, Words.German);
        await transaction.ChangeBillingAddressAsync("Königstraße", "7", "70173", "Stuttgart");
        await Expect(transaction.Address("Rechnungsadresse")).ToContainTextAsync("Königstraße 7");
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Wann (Ortszeit Berlin)" })).ToBeVisibleAsync();
        await Expect(transaction.Timeline.First).ToContainTextAsync("Adressänderung");
        // Its snackbar fades out, and a fading text has no contrast to speak of.
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.Empty(await Axe.ViolationsAsync(page, "die Transaktion at 1400 px", coloursOnly: true));

        await page.GotoAsync("audit-log");
        await new ShellPage(page, Words.German).WaitUntilInteractiveAsync();
        var entry = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "E2E-DE-DESK-1" }).First;
        await Expect(entry).ToContainTextAsync("Adressänderung");
        await Expect(entry).ToContainTextAsync("Rechnungs- und Lieferadresse sind bei Klarna geändert: Königstraße, 70173 Stuttgart.");
        await Expect(page.GetByText("Zeilen pro Seite:")).ToBeVisibleAsync();

        await page.GotoAsync("Account/Manage/Preferences");
        await page.GetByLabel("Sprache").SelectOptionAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Speichern" }).ClickAsync();
        await page.GotoAsync("transactions");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Transactions", Level = 1 })).ToBeVisibleAsync();
    }
}
