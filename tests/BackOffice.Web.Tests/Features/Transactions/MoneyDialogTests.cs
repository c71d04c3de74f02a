using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>The capture and refund dialogs: validation against the rules, live total and the confirmation step.</summary>
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
        provider.WaitForAssertion(() => Assert.Contains("At most 10000 can be captured.", provider.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(2));
        Assert.True(Button(provider, "Review").HasAttribute("disabled"));

        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "40.50" });
        provider.WaitForAssertion(() => Assert.Equal("Capture 40.50 EUR", provider.Find("[data-testid=total]").TextContent.Trim()));
        await Button(provider, "Review").ClickAsync(new());
        Assert.Equal("Capture 40.50 EUR from order order-1?", provider.Find("[data-testid=confirmation]").TextContent.Trim());
        await Button(provider, "Confirm capture").ClickAsync(new());

        var request = Assert.IsType<CaptureRequest>((await result)!.Data);
        Assert.Equal(4_050, request.Amount);
    }

    [Fact]
    public async Task Capture_by_lines_shows_a_live_total_and_refuses_more_than_ordered()
    {
        var provider = Render<MudDialogProvider>();
        var result = await OpenAsync<CaptureDialog>(provider, new DialogParameters<CaptureDialog> { { d => d.Transaction, TransactionTests.New() } });

        await provider.FindAll("input[type=radio]")[2].ClickAsync(new());
        var quantity = provider.Find("input[aria-label='Quantity of A1']");
        await quantity.InputAsync(new ChangeEventArgs { Value = "1" });
        provider.WaitForAssertion(() => Assert.Equal("Capture 100.00 EUR", provider.Find("[data-testid=total]").TextContent.Trim()));

        await Button(provider, "Review").ClickAsync(new());
        await Button(provider, "Confirm capture").ClickAsync(new());

        var request = Assert.IsType<CaptureRequest>((await result)!.Data);
        Assert.Equal([new BackOffice.Klarna.ArticleQuantity("A1", 1)], request.Lines);
    }

    [Fact]
    public async Task Refund_is_limited_to_what_is_left_on_the_chosen_invoice()
    {
        var provider = Render<MudDialogProvider>();
        var transaction = TransactionTests.New();
        transaction.Capture(10_000);
        var invoice = new Invoice(transaction.Id, "4151", 10_000, [new InvoiceLine("A1", "Shirt", 1, 10_000, 19)], DateTimeOffset.UtcNow);
        invoice.Refund(2_500, []);
        var result = await OpenAsync<RefundDialog>(provider, new DialogParameters<RefundDialog> { { d => d.Transaction, transaction }, { d => d.Invoices, [invoice] } });

        provider.WaitForAssertion(() => Assert.Equal("Refund 75.00 EUR", provider.Find("[data-testid=total]").TextContent.Trim()));
        await provider.FindAll("input[type=radio]").Last().ClickAsync(new());
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "75.01" });
        provider.WaitForAssertion(() => Assert.Contains("At most 7500 is left to refund on invoice 4151.", provider.Markup, StringComparison.Ordinal));
        await AmountInput(provider).InputAsync(new ChangeEventArgs { Value = "75" });
        await Button(provider, "Review").ClickAsync(new());
        Assert.Equal("Refund 75.00 EUR on invoice 4151 of order order-1?", provider.Find("[data-testid=confirmation]").TextContent.Trim());
        await Button(provider, "Confirm refund").ClickAsync(new());

        var request = Assert.IsType<RefundRequest>((await result)!.Data);
        Assert.Equal(("4151", (long?)7_500, 19m), (request.InvoiceNumber, request.Amount, request.VatPercent));
    }

    private async Task<Task<DialogResult?>> OpenAsync<TDialog>(IRenderedComponent<MudDialogProvider> provider, DialogParameters<TDialog> parameters) where TDialog : IComponent
    {
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("Dialog", parameters));
        return reference!.Result;
    }

    private static AngleSharp.Dom.IElement AmountInput(IRenderedComponent<MudDialogProvider> provider) => provider.Find("input[data-testid=amount]");

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<MudDialogProvider> provider, string text) =>
        provider.FindAll("button").Single(b => b.TextContent.Trim() == text);
}
