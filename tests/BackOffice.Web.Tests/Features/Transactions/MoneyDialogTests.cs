using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>
/// The capture and refund dialogs (validation against the rules, amounts in the user's culture, live total and the
/// confirmation step), and the dialogs of the changes before and after a capture.
/// </summary>
public sealed class MoneyDialogTests : BackOfficeTestContext
{
    [Fact]
    public async Task Capture_refuses_more_than_remains_and_confirms_amount_and_currency()
    {
        var provider = Render<MudDialogProvider>();
        var transaction = TransactionTests.New();
        var result = await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, transaction } });

        await provider.FindAll("input[type=radio]")[1].ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "100.01" });
        provider.WaitForAssertion(() => Assert.Contains("At most EUR 100.00 can be captured.", Text(provider), StringComparison.Ordinal));
        Assert.True(Button(provider, "Review").HasAttribute("disabled"));

        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "40.50" });
        provider.WaitForAssertion(() => Assert.Equal("Capture EUR 40.50", Text(provider.Find("[data-testid=total]"))));
        await Button(provider, "Review").ClickAsync(new());
        Assert.Equal("Capture EUR 40.50 from order order-1?", Text(provider.Find("[data-testid=confirmation]")));
        await Button(provider, "Confirm capture").ClickAsync(new());

        var request = Assert.IsType<CaptureRequest>((await result)!.Data);
        Assert.Equal(4_050, request.Amount);
    }

    [Fact]
    public async Task A_capture_carries_the_carrier_and_tracking_number_where_the_provider_takes_them_and_asks_for_none_elsewhere()
    {
        var provider = Render<MudDialogProvider>();
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "", "");
        var direct = Transaction.AuthorizedInShop(1, BackOffice.Web.Features.KlarnaRest.KlarnaRestModule.KlarnaPaymentsDirect, BackOffice.Web.Features.Payments.ProviderEnvironment.Test,
            "PK_demo_shop", Guid.NewGuid().ToString(), null, "order-9", "EUR", "DE", 5_000, [new TransactionLine("A1", "Shirt", 1, 5_000, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Max Mustermann", "", ""), address, address, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(28));
        var result = await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, direct } });

        await provider.Find("input[data-testid=carrier]").ChangeAsync(new ChangeEventArgs { Value = "DHL DE" });
        await provider.Find("input[data-testid=tracking-number]").ChangeAsync(new ChangeEventArgs { Value = "00340434161234567890" });
        await Button(provider, "Review").ClickAsync(new());
        await Button(provider, "Confirm capture").ClickAsync(new());

        Assert.Equal(new Shipment("DHL DE", "00340434161234567890"), Assert.IsType<CaptureRequest>((await result)!.Data).Shipment);
        var legacy = Render<MudDialogProvider>();
        await OpenAsync<CaptureDialog>(legacy, new DialogParameters<CaptureDialog> { { d => d.Transaction, TransactionTests.New() } });
        Assert.Empty(legacy.FindAll("[data-testid=carrier]"));
    }

    [Theory]
    [InlineData("de-DE", "100,50", 10_050L)]
    [InlineData("de-DE", "1.234,50", 123_450L)]
    [InlineData("de-DE", "99", 9_900L)]
    [InlineData("en-US", "100.50", 10_050L)]
    [InlineData("en-US", "1,234.50", 123_450L)]
    [InlineData("en-GB", "1,234.5", 123_450L)]
    public async Task Amounts_are_read_in_the_users_culture(string culture, string typed, long minor)
    {
        UseCulture(culture);
        var provider = Render<MudDialogProvider>();
        var transaction = TransactionTests.New(amount: 500_000);
        var result = await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, transaction } });

        await provider.FindAll("input[type=radio]")[1].ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = typed });
        var review = In(culture, "Review", "Prüfen");
        provider.WaitForAssertion(() => Assert.False(Button(provider, review).HasAttribute("disabled")));
        await Button(provider, review).ClickAsync(new());
        await Button(provider, In(culture, "Confirm capture", "Erfassung bestätigen")).ClickAsync(new());

        Assert.Equal(minor, Assert.IsType<CaptureRequest>((await result)!.Data).Amount);
    }

    [Theory]
    [InlineData("de-DE", "1.234", "ist mehrdeutig")]
    [InlineData("de-DE", "12.50", "Dezimalstellen stehen nach „,“")]
    [InlineData("en-US", "100,50", "decimals are written after '.'")]
    [InlineData("en-US", "1,234", "could be read two ways")]
    [InlineData("en-US", "12.345", "at most 2 decimals")]
    [InlineData("en-US", "-5", "above zero")]
    [InlineData("en-US", "12a", "is not an amount")]
    public async Task An_ambiguous_or_malformed_amount_is_refused_with_a_message(string culture, string typed, string message)
    {
        UseCulture(culture);
        var provider = Render<MudDialogProvider>();
        await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, TransactionTests.New(amount: 500_000) } });

        await provider.FindAll("input[type=radio]")[1].ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = typed });

        provider.WaitForAssertion(() => Assert.Contains(message, Text(provider), StringComparison.Ordinal));
        Assert.True(Button(provider, In(culture, "Review", "Prüfen")).HasAttribute("disabled"));
    }

    [Fact]
    public async Task In_german_messages_and_totals_show_amounts_the_german_way()
    {
        UseCulture("de-DE");
        var provider = Render<MudDialogProvider>();
        await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, TransactionTests.New(amount: 129_900) } });

        Assert.Contains("Alles Verbleibende (1.299,00 €)", Text(provider), StringComparison.Ordinal);
        await provider.FindAll("input[type=radio]")[1].ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "1.300,00" });

        provider.WaitForAssertion(() => Assert.Contains("Höchstens 1.299,00 € können erfasst werden.", Text(provider), StringComparison.Ordinal));
        Assert.True(Button(provider, "Prüfen").HasAttribute("disabled"));
        Assert.Equal("Abbrechen", Text(provider.FindAll("button").First(b => b.TextContent.Trim() is "Abbrechen")));
    }

    [Fact]
    public async Task Capture_by_lines_shows_a_live_total_and_refuses_more_than_ordered()
    {
        var provider = Render<MudDialogProvider>();
        var result = await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, TransactionTests.New() } });

        await provider.FindAll("input[type=radio]")[2].ClickAsync(new());
        var quantity = provider.Find("input[aria-label='Quantity of A1']");
        await quantity.InputAsync(new ChangeEventArgs { Value = "1" });
        provider.WaitForAssertion(() => Assert.Equal("Capture EUR 100.00", Text(provider.Find("[data-testid=total]"))));

        await Button(provider, "Review").ClickAsync(new());
        await Button(provider, "Confirm capture").ClickAsync(new());

        var request = Assert.IsType<CaptureRequest>((await result)!.Data);
        Assert.Equal([new LineQuantity("A1", 1)], request.Lines);
    }

    [Fact]
    public async Task Refund_is_limited_to_what_is_left_on_the_chosen_invoice()
    {
        var provider = Render<MudDialogProvider>();
        var transaction = TransactionTests.New();
        transaction.Capture(10_000);
        var invoice = new Invoice(transaction.Id, "4151", "EUR", 10_000, [new InvoiceLine("A1", "Shirt", 1, 10_000, 19)], DateTimeOffset.UtcNow);
        invoice.Refund(2_500, []);
        var result = await OpenAsync<RefundDialog>(provider, new DialogParameters<RefundDialog> { { d => d.Transaction, transaction }, { d => d.Invoices, [invoice] } });

        provider.WaitForAssertion(() => Assert.Equal("Refund EUR 75.00", Text(provider.Find("[data-testid=total]"))));
        await provider.FindAll("input[type=radio]").Last().ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "75.01" });
        provider.WaitForAssertion(() => Assert.Contains("At most EUR 75.00 is left to refund on invoice 4151.", Text(provider), StringComparison.Ordinal));
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "75" });
        await Button(provider, "Review").ClickAsync(new());
        Assert.Equal("Refund EUR 75.00 on invoice 4151 of order order-1?", Text(provider.Find("[data-testid=confirmation]")));
        await Button(provider, "Confirm refund").ClickAsync(new());

        var request = Assert.IsType<RefundRequest>((await result)!.Data);
        Assert.Equal(("4151", (long?)7_500, 19m), (request.InvoiceNumber, request.Amount, request.VatPercent));
    }

    [Fact]
    public async Task Edit_lines_dialog_shows_the_new_reservation_and_returns_the_quantities()
    {
        var provider = Render<MudDialogProvider>();
        var created = TransactionTests.New();
        var transaction = new Transaction(1, KlarnaModule.Invoice, BackOffice.Web.Features.Payments.ProviderEnvironment.Test, "1395", "order-2", "2359889901", AuthorizationStatus.Accepted, "EUR", "DE", 2550,
            [new TransactionLine("A1", "Shirt", 2, 1000, 19, LineFlags.IncludesVat), new TransactionLine("B2", "Cap", 1, 550, 19, LineFlags.IncludesVat)],
            created.Customer, created.BillingAddress, created.ShippingAddress, created.CreatedAt, created.ExpiresAt);
        var result = await OpenAsync<EditLinesDialog>(provider, new DialogParameters<EditLinesDialog> { { d => d.Transaction, transaction } });

        provider.WaitForAssertion(() => Assert.Equal("Nothing was changed.", Text(provider.Find("[data-testid=lines-error]"))));
        Assert.True(Button(provider, "Review").HasAttribute("disabled"));
        await provider.FindAll("input")[0].InputAsync(new ChangeEventArgs { Value = "0" });
        await provider.FindAll("input")[1].InputAsync(new ChangeEventArgs { Value = "0" });
        provider.WaitForAssertion(() => Assert.Contains("Keep at least one line", Text(provider), StringComparison.Ordinal));
        await provider.FindAll("input")[0].InputAsync(new ChangeEventArgs { Value = "1" });
        await provider.FindAll("input")[1].InputAsync(new ChangeEventArgs { Value = "1" });
        provider.WaitForAssertion(() => Assert.Equal("New reservation: EUR 15.50", Text(provider.Find("[data-testid=total]"))));
        await Button(provider, "Review").ClickAsync(new());
        Assert.Equal("Change the lines of order order-2 and lower its reservation to EUR 15.50?", Text(provider.Find("[data-testid=confirmation]")));
        await Button(provider, "Confirm change").ClickAsync(new());

        var change = Assert.IsType<LinesChange>((await result)!.Data);
        Assert.Equal([("A1", 1), ("B2", 1)], change.Quantities.Select(q => (q.ArticleNumber, q.Quantity)).OrderBy(q => q.ArticleNumber));
    }

    [Fact]
    public async Task Order_number_dialog_refuses_the_same_number_and_returns_a_new_one()
    {
        var provider = Render<MudDialogProvider>();
        var result = await OpenAsync<OrderNumberDialog>(provider, new DialogParameters<OrderNumberDialog> { { d => d.Transaction, TransactionTests.New() } });

        await Button(provider, "Change order number").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Contains("The order number is order-1 already.", Text(provider), StringComparison.Ordinal));
        await provider.FindAll("input")[0].InputAsync(new ChangeEventArgs { Value = " order-2 " });
        await Button(provider, "Change order number").ClickAsync(new());

        var change = Assert.IsType<(string OrderNumber, string Reason)>((await result)!.Data);
        Assert.Equal("order-2", change.OrderNumber);
    }

    [Fact]
    public async Task Due_date_dialog_sends_only_the_extension_klarna_quoted()
    {
        var provider = Render<MudDialogProvider>();
        var asked = new List<int>();
        var parameters = new DialogParameters<DueDateDialog>
        {
            { d => d.InvoiceNumber, "12345" },
            { d => d.Currency, "EUR" },
            { d => d.Quote, days => { asked.Add(days); return Task.FromResult(new DueDateQuote(100 * days, new DateOnly(2026, 12, 10).AddDays(days))); } },
        };
        var result = await OpenAsync<DueDateDialog>(provider, parameters);

        Assert.True(Button(provider, "Extend due date").HasAttribute("disabled"));
        await Button(provider, "Ask Klarna").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Equal("Invoice 12345 would be due 2026-12-17; Klarna charges EUR 7.00 for it.", Text(provider.Find("[data-testid=due-date-quote]"))));
        // Another number of days than was quoted: it has to be quoted again.
        await provider.Find("input").InputAsync(new ChangeEventArgs { Value = "9" });
        provider.WaitForAssertion(() => Assert.True(Button(provider, "Extend due date").HasAttribute("disabled")));
        await provider.Find("input").InputAsync(new ChangeEventArgs { Value = "7" });
        await Button(provider, "Ask Klarna").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.False(Button(provider, "Extend due date").HasAttribute("disabled")));
        await Button(provider, "Extend due date").ClickAsync(new());

        Assert.Equal([7, 7], asked);
        Assert.Equal(7, Assert.IsType<(int Days, string Reason)>((await result)!.Data).Days);
    }

    [Fact]
    public async Task Address_dialog_refuses_an_address_without_a_street_and_ships_to_the_new_billing_address()
    {
        var provider = Render<MudDialogProvider>();
        var transaction = TransactionTests.New();
        var result = await OpenAsync<AddressDialog>(provider, new DialogParameters<AddressDialog> { { d => d.Transaction, transaction } });
        // The billing fields come first: first name, last name, company, street, ...
        AngleSharp.Dom.IElement Street() => provider.FindAll("input")[3];

        await Button(provider, "Send to Klarna").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Equal("Nothing was changed.", Text(provider.Find("[data-testid=address-error]"))));
        await Street().ChangeAsync(new ChangeEventArgs { Value = "" });
        await Button(provider, "Send to Klarna").ClickAsync(new());
        provider.WaitForAssertion(() => Assert.Equal("Give the street.", Text(provider.Find("[data-testid=address-error]"))));
        await Street().ChangeAsync(new ChangeEventArgs { Value = "Königsallee" });
        await Button(provider, "Send to Klarna").ClickAsync(new());

        var change = Assert.IsType<NewAddresses>((await result)!.Data);
        Assert.Equal("Königsallee", change.Billing.Street);
        Assert.Equal(change.Billing, change.Shipping);
        Assert.Equal(transaction.Country, change.Billing.Country);
    }

    private async Task<Task<DialogResult?>> OpenAsync<TDialog>(IRenderedComponent<MudDialogProvider> provider, DialogParameters<TDialog> parameters) where TDialog : IComponent
    {
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("Dialog", parameters));
        return reference!.Result;
    }

    /// <summary>Text as a reader sees it: amounts keep their currency on the same line with a no-break space.</summary>
    private static string Text(IRenderedComponent<MudDialogProvider> provider) => string.Concat(provider.Nodes.Select(n => n.TextContent)).Replace('\u00A0', ' ');

    private static string Text(AngleSharp.Dom.IElement element) => element.TextContent.Trim().Replace('\u00A0', ' ');

    private static AngleSharp.Dom.IElement AmountInput(IRenderedComponent<MudDialogProvider> provider) => provider.Find("input[data-testid=amount]");

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<MudDialogProvider> provider, string text) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>A text in the culture's language: the dialogs speak German in a German culture.</summary>
    private static string In(string culture, string english, string german) => culture.StartsWith("de", StringComparison.Ordinal) ? german : english;
}
