using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// A phone (390 px) scrolls no page sideways and keeps Sign out and the actions in reach; a desktop (1400 px) shows
/// every key column of the list on one line each and the PClass calculator's results.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserAppFixture app)
{
    private static readonly string[] Pages = ["", "transactions", "channels", "channels/demo", "channels/demo-computop", "channels/demo-kp", "channels/demo-ecommpay", "computop/batches", "klarna/payouts", "pclasses", "jobs", "audit-log", "users", "Account/Manage"];

    [Fact]
    public async Task At_390_px_no_page_scrolls_sideways_and_sign_out_and_the_actions_are_in_reach()
    {
        var id = await app.ReserveAsync("E2E-PHONE-1");
        var computop = await app.AuthorizeAtComputopAsync("E2E-PHONE-KP-1");
        var (klarna, _) = await app.PlaceAtKlarnaAsync("E2E-PHONE-KR-1");
        var sofort = await app.PayBySofortAsync("E2E-PHONE-KS-1");
        var subscription = await app.SubscribeAsync("e2e-phone@example.com");
        var page = await app.NewPageAsync(width: 390, height: 844);
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        var problems = new List<string>();

        // The last page is a transaction's: its actions are tried below.
        foreach (var path in Pages.Append("subscriptions").Append($"subscriptions/{subscription}")
                     .Append($"transactions/{klarna}").Append($"transactions/{sofort}").Append($"transactions/{id}").Append($"transactions/{computop}"))
        {
            await page.GotoAsync(path);
            // The account pages are static: nothing to wait for.
            if (!path.StartsWith("Account", StringComparison.Ordinal))
                await new ShellPage(page).WaitUntilInteractiveAsync();
            problems.AddRange(await Axe.ViolationsAsync(page, $"/{path} at 390 px"));
            problems.AddRange(app.PolicyViolationsOn(page));
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > 390)
                problems.Add($"/{path} is {width} px wide: " + await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' ; ')"));
            if (path.StartsWith("Account", StringComparison.Ordinal))
                continue;
            var signOut = await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).BoundingBoxAsync();
            if (signOut is null || signOut.X + signOut.Width > 390 || signOut.Y > 80)
                problems.Add($"/{path}: Sign out is not in the app bar's reach ({signOut?.X}, {signOut?.Y}).");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        await page.GetByRole(AriaRole.Button, new() { Name = "Actions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Refund Nothing has been captured yet." })).ToBeDisabledAsync();
        // A menu still fading in has no contrast to speak of.
        await Expect(page.Locator(".mud-popover-open")).ToHaveCSSAsync("opacity", "1");
        problems.AddRange(await Axe.ViolationsAsync(page, "the actions menu at 390 px"));
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Capture", Exact = true }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToHaveCSSAsync("opacity", "1");
        var box = await dialog.BoundingBoxAsync();
        Assert.True(box!.X >= 0 && box.X + box.Width <= 390, $"The capture dialog does not fit ({box.X}, {box.Width}).");
        problems.AddRange(await Axe.ViolationsAsync(page, "the capture dialog at 390 px", within: ".mud-dialog"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task At_1400_px_the_list_shows_every_key_column_on_one_line_and_the_calculator_its_results()
    {
        await app.ReserveAsync("E2E-WIDE-ORDER-NUMBER-0001");
        // A Klarna Payments order too: a long PayID, a longer channel code and service name, a long order number.
        await app.AuthorizeAtComputopAsync("E2E-WIDE-ORDER-NUMBER-KP-0001");
        var page = await app.NewPageAsync(width: 1400, height: 900);
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();

        await new TransactionsPage(page).GotoAsync();
        await Expect(new TransactionsPage(page).Order("E2E-WIDE-ORDER-NUMBER-0001")).ToBeVisibleAsync();
        foreach (var column in new[] { "Order", "Reservation", "State", "Amount", "Customer", "Created (Berlin time)", "Expires (Berlin time)" })
        {
            var header = await page.GetByRole(AriaRole.Columnheader, new() { Name = column }).First.BoundingBoxAsync();
            Assert.True(header is not null && header.X + header.Width <= 1400, $"The {column} column is not on screen ({header?.X}).");
        }
        var order = await new TransactionsPage(page).Order("E2E-WIDE-ORDER-NUMBER-0001").BoundingBoxAsync();
        Assert.True(order!.Height < 30, $"The order number wraps ({order.Height} px high).");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 1400, "The list scrolls sideways.");
        var (scrollWidth, clientWidth) = (await page.EvaluateAsync<int>("() => document.querySelector('.transactions-grid .mud-table-container').scrollWidth"),
            await page.EvaluateAsync<int>("() => document.querySelector('.transactions-grid .mud-table-container').clientWidth"));
        Assert.True(scrollWidth <= clientWidth, $"The list's table is wider than its box ({scrollWidth} > {clientWidth} px): its last columns are cut off.");
        Assert.Empty(await Axe.ViolationsAsync(page, "the list at 1400 px"));

        // With the demo's PClasses downloaded the table is at its widest.
        await page.GotoAsync("channels/demo");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await new ChannelPage(page).InitializeAsync("Installments");
        await page.GotoAsync("pclasses");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await page.GetByLabel("Amount to calculate").FillAsync("1000");
        var monthly = await page.GetByRole(AriaRole.Columnheader, new() { Name = "Monthly" }).BoundingBoxAsync();
        Assert.True(monthly is not null && monthly.X + monthly.Width <= 1400, $"The calculator's results start off-screen ({monthly?.X}).");
        Assert.Empty(await Axe.ViolationsAsync(page, "the PClasses at 1400 px"));
    }
}
