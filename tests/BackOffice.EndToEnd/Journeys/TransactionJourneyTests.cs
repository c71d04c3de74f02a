using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

[Collection(BrowserCollection.Name)]
public sealed class TransactionJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_operator_finds_an_order_captures_part_of_it_and_refunds_part_of_that_invoice()
    {
        await app.ReserveAsync("E2E-CAPTURE-1");
        await app.ReserveAsync("E2E-OTHER-2");
        await app.CreateUserAsync("operator-money@backoffice.local", "Operator-Money-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-money@backoffice.local", "Operator-Money-1!");
        var list = new TransactionsPage(page);
        var transaction = new TransactionPage(page);

        await list.GotoAsync();
        await Expect(list.Order("E2E-OTHER-2")).ToBeVisibleAsync();
        await list.SearchAsync("E2E-CAPTURE-1");
        await Expect(list.Order("E2E-OTHER-2")).ToHaveCountAsync(0);
        await list.OpenAsync("E2E-CAPTURE-1");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(transaction.Amount("remaining")).ToHaveTextAsync("EUR 25.50");

        await transaction.CaptureLinesAsync("A1", 1, "EUR 10.00");
        await Expect(transaction.Amount("captured")).ToHaveTextAsync("EUR 10.00");
        await Expect(transaction.Amount("remaining")).ToHaveTextAsync("EUR 15.50");
        await transaction.RefundAmountAsync("4.00", "EUR 4.00");

        await Expect(transaction.Amount("refunded")).ToHaveTextAsync("EUR 4.00");
        await Expect(transaction.Timeline).ToHaveCountAsync(2);
        await Expect(transaction.Timeline.First).ToContainTextAsync("Refund");
        await Expect(transaction.Timeline.First).ToContainTextAsync("Succeeded");
        await Expect(transaction.Timeline.Nth(1)).ToContainTextAsync("Capture");
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Part captured");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "backoffice-transaction.png"), FullPage = true });

        // Back brings the list back as it was left: the search is in its address.
        await page.GoBackAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();
        Assert.EndsWith("transactions?text=E2E-CAPTURE-1", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByLabel("Search")).ToHaveValueAsync("E2E-CAPTURE-1");
        await Expect(list.Order("E2E-CAPTURE-1")).ToBeVisibleAsync();
        await Expect(list.Order("E2E-OTHER-2")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_operator_captures_two_orders_at_once_and_reads_each_rows_result()
    {
        var first = await app.ReserveAsync("E2E-BULK-1");
        var second = await app.ReserveAsync("E2E-BULK-2");
        await app.CreateUserAsync("operator-bulk@backoffice.local", "Operator-Bulk-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-bulk@backoffice.local", "Operator-Bulk-1!");
        var list = new TransactionsPage(page);

        await list.GotoAsync();
        await list.SelectAsync("E2E-BULK-1");
        await list.SelectAsync("E2E-BULK-2");
        await Expect(page.GetByTestId("selection")).ToHaveTextAsync("2 selected");
        await list.BulkAction("Capture everything").ClickAsync();
        await Expect(page.GetByTestId("bulk-confirmation")).ToHaveTextAsync("Capture everything for 2 transaction(s)?");
        await Expect(page.GetByTestId("bulk-sum")).ToContainTextAsync("EUR 51.00");

        var summary = await list.ConfirmBulkAsync();
        await Expect(summary).ToHaveTextAsync("Succeeded: 2.");
        await Expect(page.GetByTestId("bulk-results").Locator("li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done", Exact = true }).ClickAsync();

        foreach (var id in new[] { first, second })
        {
            await page.GotoAsync($"transactions/{id}");
            await new ShellPage(page).WaitUntilInteractiveAsync();
            await Expect(page.GetByTestId("state")).ToHaveTextAsync("Captured");
            await Expect(new TransactionPage(page).Timeline.First).ToContainTextAsync("Batch");
        }
    }

    [Fact]
    public async Task A_saved_view_brings_back_its_filters_and_order_and_is_the_users_own()
    {
        await app.ReserveAsync("E2E-VIEW-1");
        await app.CreateUserAsync("operator-views@backoffice.local", "Operator-Views-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-views@backoffice.local", "Operator-Views-1!");

        await page.GotoAsync("transactions?state=Authorized&sort=OrderNumber&asc=true");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save this view" }).ClickAsync();
        await page.GetByLabel("Name of the view").FillAsync("Authorized by order");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Save view" }).ClickAsync();
        var chip = page.GetByTestId("saved-views").GetByRole(AriaRole.Link, new() { Name = "Authorized by order" });
        await Expect(chip).ToBeVisibleAsync();

        await page.GotoAsync("transactions");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await page.GetByTestId("saved-views").GetByRole(AriaRole.Link, new() { Name = "Authorized by order" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("transactions\\?state=Authorized&sort=OrderNumber&asc=true$"));
        await Expect(new TransactionsPage(page).Order("E2E-VIEW-1")).ToBeVisibleAsync();

        var other = await app.NewPageAsync();
        await new LoginPage(other).SignInAsAdministratorAsync();
        await other.GotoAsync("transactions");
        await new ShellPage(other).WaitUntilInteractiveAsync();
        await Expect(other.GetByTestId("saved-views").GetByRole(AriaRole.Link, new() { Name = "Authorized by order" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete a view" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Authorized by order" }).ClickAsync();
        await Expect(chip).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_operator_corrects_the_address_before_capturing_and_klarna_invoices_to_the_new_one()
    {
        var id = await app.ReserveAsync("E2E-ADDRESS-1");
        var rno = await app.ReservationNumberAsync(id);
        await app.CreateUserAsync("operator-address@backoffice.local", "Operator-Address-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-address@backoffice.local", "Operator-Address-1!");
        var list = new TransactionsPage(page);
        var transaction = new TransactionPage(page);
        await list.GotoAsync();
        await list.SearchAsync("E2E-ADDRESS-1");
        await list.OpenAsync("E2E-ADDRESS-1");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await transaction.ChangeBillingAddressAsync("Königsallee", "1", "40212", "Düsseldorf");

        await Expect(transaction.Address("Billing address")).ToContainTextAsync("Königsallee 1");
        await Expect(transaction.Address("Billing address")).ToContainTextAsync("40212 Düsseldorf");
        await Expect(transaction.Timeline.First).ToContainTextAsync("Address change");
        var atKlarna = (await app.Sandbox.ReservationAsync(rno))!;
        Assert.Equal(("Königsallee", "40212", "Düsseldorf"), (atKlarna.Billing!.Street, atKlarna.Billing.PostalCode, atKlarna.Billing.City));

        await transaction.CaptureEverythingAsync();

        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("Captured EUR");
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Captured");
        await Expect(transaction.Action("Edit address")).ToBeDisabledAsync();
        Assert.Equal("FullyActivated", (await app.Sandbox.ReservationAsync(rno))!.State);
    }

    [Fact]
    public async Task A_reservation_made_through_the_shop_api_appears_on_the_transactions_page()
    {
        using var shop = new HttpClient { BaseAddress = app.BaseAddress };
        shop.DefaultRequestHeaders.Add("X-Api-Key", "bo_demo-shop-key-for-development-only");
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(shop, "api/v1/channels/demo/reservations", new
        {
            orderNumber = "SHOP-API-1", service = "Invoice", amount = 4990, currency = "EUR",
            customer = new { personalNumber = "07071960", email = "shopper@example.com" },
            billingAddress = new { firstName = "Sam", lastName = "Shopper", street = "Marktplatz 1", postalCode = "50667", city = "Köln", country = "DE" },
            lines = new[] { new { articleNumber = "MUG", title = "Mug", quantity = 2, unitPrice = 2495, vatPercent = 19 } },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        var list = new TransactionsPage(page);

        await list.GotoAsync();
        await list.SearchAsync("shopper@example.com");

        await Expect(list.Order("SHOP-API-1")).ToBeVisibleAsync();
        await list.OpenAsync("SHOP-API-1");
        await Expect(new TransactionPage(page).Amount("authorized")).ToHaveTextAsync("EUR 49.90");
    }

    [Fact]
    public async Task A_german_operator_types_and_reads_amounts_the_german_way()
    {
        await app.ReserveAsync("E2E-DE-1");
        await app.CreateUserAsync("operator-de@backoffice.local", "Operator-German-1!", "Operator");
        var page = await app.NewPageAsync(locale: "de-DE");
        await new LoginPage(page, Words.German).GotoAsync();
        await new LoginPage(page, Words.German).SubmitAsync("operator-de@backoffice.local", "Operator-German-1!");
        var list = new TransactionsPage(page, Words.German);
        var transaction = new TransactionPage(page, Words.German);
        await list.GotoAsync();
        await list.SearchAsync("E2E-DE-1");
        await list.OpenAsync("E2E-DE-1");
        await new ShellPage(page, Words.German).WaitUntilInteractiveAsync();

        await Expect(transaction.Amount("remaining")).ToHaveTextAsync("25,50 €");
        await transaction.CaptureLinesAsync("A1", 2, "20,00 €");
        await transaction.RefundAmountAsync("1,50", "1,50 €");

        await Expect(transaction.Amount("refunded")).ToHaveTextAsync("1,50 €");
        await Expect(transaction.Amount("remaining")).ToHaveTextAsync("5,50 €");
    }

    [Fact]
    public async Task While_one_operator_captures_another_sees_it_under_way_and_then_done_without_reloading()
    {
        var id = await app.ReserveAsync("E2E-TWO-1");
        await app.CreateUserAsync("operator-one@backoffice.local", "Operator-One-111!", "Operator");
        await app.CreateUserAsync("operator-two@backoffice.local", "Operator-Two-222!", "Operator");
        var first = await app.NewPageAsync();
        var second = await app.NewPageAsync();
        foreach (var (page, user, password) in new[] { (first, "operator-one@backoffice.local", "Operator-One-111!"), (second, "operator-two@backoffice.local", "Operator-Two-222!") })
        {
            await new LoginPage(page).GotoAsync();
            await new LoginPage(page).SubmitAsync(user, password);
            await new ShellPage(page).WaitUntilInteractiveAsync();
            await page.GotoAsync($"transactions/{id}");
            await new ShellPage(page).WaitUntilInteractiveAsync();
        }
        var watcher = new TransactionPage(second);
        await app.Sandbox.SetLatencyAsync(4_000);

        try
        {
            await new TransactionPage(first).CaptureEverythingAsync();

            await Expect(watcher.InFlight).ToContainTextAsync("operator-one@backoffice.local", new() { Timeout = 2_000 });
            await Expect(watcher.Action("Capture")).ToBeDisabledAsync(new() { Timeout = 2_000 });
            await Expect(second.GetByTestId("state")).ToHaveTextAsync("Captured", new() { Timeout = 8_000 });
            await Expect(watcher.InFlight).ToHaveCountAsync(0);
            await Expect(watcher.Amount("captured")).ToHaveTextAsync("EUR 25.50");
        }
        finally
        {
            await app.Sandbox.SetLatencyAsync(0);
        }
    }

    [Fact]
    public async Task A_viewer_sees_a_transaction_but_no_action_buttons()
    {
        var id = await app.ReserveAsync("E2E-VIEW-1");
        await app.CreateUserAsync("viewer-money@backoffice.local", "Viewer-Money-1!", "Viewer");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("viewer-money@backoffice.local", "Viewer-Money-1!");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();

        await Expect(new TransactionPage(page).Amount("remaining")).ToHaveTextAsync("EUR 25.50");
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Capture" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Refund" })).ToHaveCountAsync(0);
    }
}
