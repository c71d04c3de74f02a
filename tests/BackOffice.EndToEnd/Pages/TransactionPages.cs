using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

public sealed class TransactionsPage(IPage page, Words? words = null)
{
    private readonly Words w = words ?? Words.English;

    public async Task GotoAsync()
    {
        await page.GotoAsync("transactions");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public ILocator Order(string orderNumber) => page.GetByRole(AriaRole.Link, new() { Name = orderNumber, Exact = true });

    /// <summary>Types the search and waits until the list has taken it (its export link carries it), so that a row clicked next is of this search's list.</summary>
    public async Task SearchAsync(string text)
    {
        await page.GetByLabel(w["Search"]).FillAsync(text);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = w["Export CSV"] }))
            .ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(
                $"[?&]text=({System.Text.RegularExpressions.Regex.Escape(text)}|{System.Text.RegularExpressions.Regex.Escape(Uri.EscapeDataString(text))})(&|$)"));
    }

    /// <summary>
    /// Ticks the row of the order for a bulk action and waits until the list has taken it: the first tick brings the bulk
    /// bar above the rows, which moves them, and a tick sent before it lands on whatever moved under the pointer.
    /// </summary>
    public async Task SelectAsync(string orderNumber)
    {
        await page.GetByLabel(w["Select {0}", orderNumber], new() { Exact = true }).CheckAsync();
        await Expect(page.GetByTestId("bulk-bar").GetByRole(AriaRole.Button, new() { Name = w["Clear selection"], Exact = true })).ToBeVisibleAsync();
    }

    public ILocator BulkAction(string name) => page.GetByTestId("bulk-bar").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Confirms the bulk dialog and waits until every row has its result; answers the summary.</summary>
    public async Task<ILocator> ConfirmBulkAsync()
    {
        await page.GetByTestId("bulk-run").ClickAsync();
        var summary = page.GetByTestId("bulk-summary");
        await Expect(summary).Not.ToContainTextAsync(w["done…"], new() { Timeout = 30_000 });
        return summary;
    }

    public async Task OpenAsync(string orderNumber)
    {
        await Order(orderNumber).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = w["Order {0}", orderNumber] })).ToBeVisibleAsync();
    }
}

public sealed class TransactionPage(IPage page, Words? words = null)
{
    private readonly Words w = words ?? Words.English;

    private ILocator Dialog => page.GetByRole(AriaRole.Dialog);

    /// <summary>
    /// Opens an action's dialog and waits until it has taken the focus: typing earlier could land in the field the
    /// dialog focuses when it opens.
    /// </summary>
    private async Task OpenDialogAsync(string action)
    {
        await Action(action).ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToHaveCSSAsync("opacity", "1");
        await page.WaitForFunctionAsync("() => document.querySelector('.mud-dialog')?.contains(document.activeElement)");
    }

    public ILocator Amount(string which) => page.GetByTestId(which);

    public ILocator Action(string name) => page.GetByRole(AriaRole.Group, new() { Name = w["Actions"] }).GetByRole(AriaRole.Button, new() { Name = w[name], Exact = true });

    public ILocator Timeline => page.GetByTestId("operation");

    public ILocator InFlight => page.GetByTestId("in-flight");

    /// <summary>
    /// Captures line quantities; <paramref name="shown"/> is the amount as the page writes it (e.g. "EUR 10.00");
    /// <paramref name="releaseRest"/> releases what remains with it, where the provider can; a <paramref name="shipment"/>
    /// (carrier, tracking number) goes with it where the provider takes one.
    /// </summary>
    public async Task CaptureLinesAsync(string articleNumber, int quantity, string shown, bool releaseRest = false, (string Carrier, string TrackingNumber)? shipment = null)
    {
        await OpenDialogAsync("Capture");
        await Dialog.GetByText(w["Order lines"]).ClickAsync();
        await Dialog.GetByLabel(w["Quantity of {0}", articleNumber]).FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Dialog.GetByLabel(w["Quantity of {0}", articleNumber]).BlurAsync();
        if (releaseRest)
            await Dialog.GetByLabel(w["Release what remains with this capture"]).CheckAsync();
        if (shipment is var (carrier, trackingNumber))
        {
            await Dialog.GetByLabel(w["Carrier (optional)"]).FillAsync(carrier);
            await Dialog.GetByLabel(w["Tracking number (optional)"]).FillAsync(trackingNumber);
        }
        await Expect(Dialog.GetByTestId("total")).ToContainTextAsync(shown);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Review"] }).ClickAsync();
        await Expect(Dialog.GetByTestId("confirmation")).ToContainTextAsync(w["Capture {0} from order", shown]);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Confirm capture"] }).ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync(w["Captured {0}", shown]);
    }

    /// <summary>Edits the billing address (shipping follows it when it was the same) and sends it to Klarna.</summary>
    public async Task ChangeBillingAddressAsync(string street, string houseNumber, string postalCode, string city)
    {
        await OpenDialogAsync("Edit address");
        await Dialog.GetByLabel(w["Street"]).First.FillAsync(street);
        await Dialog.GetByLabel(w["No."]).First.FillAsync(houseNumber);
        await Dialog.GetByLabel(w["Postal code"]).First.FillAsync(postalCode);
        await Dialog.GetByLabel(w["City"]).First.FillAsync(city);
        await Dialog.GetByLabel(w["City"]).First.BlurAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Send to Klarna"] }).ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync(w["changed at Klarna"]);
    }

    public ILocator Address(string title) => page.GetByRole(AriaRole.Heading, new() { Name = title }).Locator("xpath=..");

    public async Task CaptureEverythingAsync()
    {
        await OpenDialogAsync("Capture");
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Review"] }).ClickAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Confirm capture"] }).ClickAsync();
    }

    /// <summary>
    /// Refunds an amount typed as the user's culture writes it; <paramref name="shown"/> is how the page writes it back.
    /// <paramref name="outcome"/> is what the page says of it, when not that it was refunded (e.g. an answer that was lost).
    /// </summary>
    public async Task RefundAmountAsync(string typed, string shown, string? outcome = null)
    {
        await OpenDialogAsync("Refund");
        await Dialog.GetByText(w["An amount"]).ClickAsync();
        await Dialog.GetByLabel(w["Amount"], new() { Exact = true }).FillAsync(typed);
        await Dialog.GetByLabel(w["Amount"], new() { Exact = true }).BlurAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Review"] }).ClickAsync();
        await Expect(Dialog.GetByTestId("confirmation")).ToContainTextAsync(w["Refund {0} on invoice", shown]);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = w["Confirm refund"] }).ClickAsync();
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync(outcome ?? w["Refunded {0}", shown]);
    }
}

public sealed class KlarnaPayoutsPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("klarna/payouts");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public async Task ImportAsync() => await page.GetByRole(AriaRole.Button, new() { Name = "Import payouts" }).ClickAsync();

    /// <summary>Opens a payout's lines; answers its rows.</summary>
    public async Task<ILocator> OpenLinesAsync(string paymentReference)
    {
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex($"lines of payout {paymentReference}$") }).ClickAsync();
        return page.GetByTestId("payout-line");
    }

    /// <summary>The payout line of this type for this order; the type cell is matched whole, as ids may contain "fee".</summary>
    public ILocator Line(string type, string orderId) =>
        page.GetByTestId("payout-line").Filter(new() { HasText = orderId })
            .Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = type, Exact = true }) });
}
