using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// Every page and every dialog of the transaction page has no serious or critical axe-core violation: the whole rule
/// set in English and light mode, the colour contrast again in dark mode and in German; each dialog takes the focus
/// when it opens and closes on Esc.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserAppFixture app)
{
    private static readonly string[] Dialogs = ["Capture", "Edit lines", "Cancel", "Edit address", "Change order number", "Extend expiry"];

    /// <summary>English in light and dark mode, and German (whose longer words wrap differently) in dark mode.</summary>
    [Theory]
    [InlineData(false, "en-US")]
    [InlineData(true, "en-US")]
    [InlineData(true, "de-DE")]
    public async Task Every_page_and_dialog_passes_axe_and_dialogs_take_the_focus_and_close_on_escape(bool dark, string locale)
    {
        var w = locale.StartsWith("de", StringComparison.Ordinal) ? Words.German : Words.English;
        var coloursOnly = dark || w == Words.German;
        var order = $"E2E-A11Y-{(dark ? "DARK" : "LIGHT")}-{locale}";
        var id = await app.ReserveAsync(order);
        var page = await app.NewPageAsync(locale);
        var problems = new List<string>();
        await new LoginPage(page, w).GotoAsync();
        problems.AddRange(await Axe.ViolationsAsync(page, $"the sign-in page ({locale})", coloursOnly));
        await new LoginPage(page, w).SignInAsAdministratorAsync();
        if (dark)
            await new ShellPage(page, w).ToggleDarkModeAsync();

        var computop = await app.AuthorizeAtComputopAsync($"{order}-KP");
        var (klarna, _) = await app.PlaceAtKlarnaAsync($"{order}-KR");
        var sofort = await app.PayBySofortAsync($"{order}-KS");
        var subscription = await app.SubscribeAsync($"{order}@example.com".ToLowerInvariant());
        foreach (var path in new[] { "", "transactions", $"transactions/{id}", $"transactions/{computop}", $"transactions/{klarna}", $"transactions/{sofort}", "subscriptions", $"subscriptions/{subscription}", "computop/batches", "klarna/payouts", "channels", "channels/demo",
                     "channels/demo-computop", "channels/demo-kp", "channels/demo-ecommpay", "pclasses", "jobs", "audit-log", "users" })
        {
            await OpenAsync(page, path, dark, w);
            problems.AddRange(await Axe.ViolationsAsync(page, $"{path} ({locale})", coloursOnly));
            problems.AddRange(app.PolicyViolationsOn(page));
        }

        // A payout with its lines open, one of them flagged: a capture the books do not have.
        var (_, klarnaOrder) = await app.PlaceAtKlarnaAsync($"{order}-KR2");
        var payout = await app.PayoutOfACaptureOnlyKlarnaHasAsync(klarnaOrder, 1000);
        await OpenAsync(page, "klarna/payouts", dark, w);
        await page.GetByRole(AriaRole.Button, new() { Name = w["Import payouts"] }).ClickAsync();
        await page.Locator($"button[aria-label*='{payout}']").ClickAsync();
        await Expect(page.GetByTestId("payout-line").First).ToBeVisibleAsync();
        problems.AddRange(await Axe.ViolationsAsync(page, $"a payout's lines ({locale})", coloursOnly));

        // An open batch file with a waiting action and its Withdraw button, which then leaves the batch empty again.
        await OpenAsync(page, "computop/batches", dark, w);
        await page.GetByRole(AriaRole.Textbox, new() { Name = w["Order number"] }).FillAsync($"{order}-KP");
        await page.GetByRole(AriaRole.Button, new() { Name = w["Queue"], Exact = true }).ClickAsync();
        var withdraw = page.GetByRole(AriaRole.Button, new() { Name = w["Withdraw {0}", $"{order}-KP"] });
        await Expect(withdraw).ToBeVisibleAsync();
        problems.AddRange(await Axe.ViolationsAsync(page, $"an open batch file ({locale})", coloursOnly));
        await withdraw.ClickAsync();
        await Expect(withdraw).ToHaveCountAsync(0);

        await OpenAsync(page, "transactions", dark, w);
        await new TransactionsPage(page, w).SelectAsync(order);
        problems.AddRange(await DialogViolationsAsync(page, coloursOnly, new TransactionsPage(page, w).BulkAction(w["Capture everything"]), "bulk Capture everything"));
        problems.AddRange(await DialogViolationsAsync(page, coloursOnly, page.GetByRole(AriaRole.Button, new() { Name = w["Save this view"] }), "Save this view"));

        await OpenAsync(page, $"transactions/{id}", dark, w);
        var transaction = new TransactionPage(page, w);
        foreach (var action in Dialogs)
            problems.AddRange(await DialogViolationsAsync(page, coloursOnly, transaction.Action(action), action));

        // After a part capture: the refund, the resend and the due date of the invoice, the release of the rest.
        await transaction.CaptureLinesAsync("A1", 1, w == Words.German ? "10,00 €" : "EUR 10.00");
        // Its snackbar fades out over the next dialogs, and a fading text has no contrast to speak of.
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        foreach (var action in new[] { "Refund", "Resend invoice", "Release remaining" })
            problems.AddRange(await DialogViolationsAsync(page, coloursOnly, transaction.Action(action), action));
        problems.AddRange(await DialogViolationsAsync(page, coloursOnly, page.GetByRole(AriaRole.Button, new() { Name = w["Extend due date"] }), "Extend due date"));

        await OpenAsync(page, "users", dark, w);
        problems.AddRange(await DialogViolationsAsync(page, coloursOnly, page.GetByRole(AriaRole.Button, new() { Name = w["New user"] }), "New user"));
        await OpenAsync(page, "channels", dark, w);
        problems.AddRange(await DialogViolationsAsync(page, coloursOnly, page.GetByRole(AriaRole.Button, new() { Name = w["New channel"] }), "New channel"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The sweep itself: the whole rule set finds a button without a name, the colour check a faint text only, and a check
    /// within one part finds that part's violations alone, without waiting for an animation elsewhere on the page.
    /// </summary>
    [Fact]
    public async Task The_sweep_reports_a_nameless_button_and_a_faint_text_and_the_colour_check_or_a_check_within_the_text_the_faint_text_alone()
    {
        var page = await app.NewPageAsync();
        await page.SetContentAsync("<html lang='en'><title>Bad</title><main><p style='color:#999;background:#aaa'>faint</p><button></button></main></html>");

        var all = (await Axe.ViolationsAsync(page, "a bad page")).ToList();
        var colours = (await Axe.ViolationsAsync(page, "a bad page", coloursOnly: true)).ToList();
        await page.EvaluateAsync("""
            () => document.body.insertAdjacentHTML('beforeend',
              "<style>@keyframes fade { from { opacity: 0.5 } to { opacity: 1 } }</style><div style='animation: fade 120s 1'>slow</div>")
            """);
        var text = (await Axe.ViolationsAsync(page, "a bad page", within: "p")).ToList();

        Assert.Contains(all, v => v.StartsWith("a bad page: button-name (critical)", StringComparison.Ordinal) && v.Contains("<button></button>", StringComparison.Ordinal));
        Assert.Contains(all, v => v.StartsWith("a bad page: color-contrast (serious)", StringComparison.Ordinal) && v.Contains("faint", StringComparison.Ordinal));
        Assert.All(colours, v => Assert.StartsWith("a bad page: color-contrast (serious)", v, StringComparison.Ordinal));
        Assert.Single(colours);
        Assert.Equal(colours, text);
    }

    /// <summary>Opens a dialog, checks that it took the focus and that it passes axe (the page behind it was checked on its own), and closes it with Esc.</summary>
    private static async Task<IEnumerable<string>> DialogViolationsAsync(IPage page, bool coloursOnly, ILocator opener, string name)
    {
        await opener.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToHaveCSSAsync("opacity", "1");
        // The dialog moves the focus into itself once it is shown: wait for that state, not for a time.
        try
        {
            await page.WaitForFunctionAsync("() => document.querySelector('.mud-dialog')?.contains(document.activeElement) === true", null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The {name} dialog did not take the focus.");
        }
        var violations = await Axe.ViolationsAsync(page, $"the {name} dialog", coloursOnly, within: ".mud-dialog");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        return violations;
    }

    private static async Task OpenAsync(IPage page, string path, bool dark, Words w)
    {
        await page.GotoAsync(path);
        await new ShellPage(page, w).WaitUntilInteractiveAsync();
        if (dark)
            await Expect(new ShellPage(page, w).LightModeButton).ToBeVisibleAsync();
    }
}
