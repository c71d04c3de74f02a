using System.Text;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>Klarna's payouts imported from its Settlements API (the sandbox over HTTP) and held against the books.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class KlarnaPayoutsTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();


    public Task InitializeAsync() => app.StartWithKlarnaRestAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private KlarnaPayouts Payouts => app.Service<KlarnaPayouts>();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    [Fact]
    public async Task A_payout_lists_the_captures_and_refunds_of_the_books_matched_and_flags_what_the_books_do_not_have()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-PAID");
        var transactions = app.Service<TransactionService>();
        var capture = await transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 3000));
        await transactions.RefundAsync(Clerk, id, new RefundRequest(capture.InvoiceNumber!, 500));
        var stranger = await PlaceAtKlarnaOnlyAsync();
        app.KlarnaRestSandbox().ClosePayoutPeriod();

        var imported = await Payouts.ImportAsync(Clerk, "demo");
        var again = await Payouts.ImportAsync(Clerk, "demo");

        Assert.Equal((1, 0), (imported, again));
        var payout = Assert.Single(await Payouts.ListAsync("demo"));
        Assert.Equal((3000L + 1000, -500L, payout.SaleAmount + payout.ReturnAmount + payout.FeeAmount), (payout.SaleAmount, payout.ReturnAmount, payout.SettlementAmount));
        var sale = Assert.Single(payout.Lines, l => l.CaptureId == capture.InvoiceNumber && l.Type == "SALE");
        Assert.Equal((PayoutMatch.Matched, id), (sale.Match, sale.TransactionId));
        Assert.Equal(PayoutMatch.Matched, Assert.Single(payout.Lines, l => l.Type == "RETURN").Match);
        Assert.Equal(PayoutMatch.NotInBooks, Assert.Single(payout.Lines, l => l.OrderId == stranger && l.Type == "SALE").Match);
        Assert.All(payout.Lines.Where(l => l.Type == "FEE"), l => Assert.Equal(PayoutMatch.KlarnasOwn, l.Match));
        Assert.Equal(1, payout.Mismatches);
    }

    [Fact]
    public async Task A_capture_in_the_books_that_no_payout_carries_is_flagged_and_the_csv_has_every_line()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-UNPAID");
        await app.Service<TransactionService>().CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1000));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            // A capture the books have and Klarna never paid out.
            db.Invoices.Add(new Invoice(id, "never-paid-out", "EUR", 700, [], DateTimeOffset.UtcNow.AddDays(-2)));
            await db.SaveChangesAsync();
        }
        app.KlarnaRestSandbox().ClosePayoutPeriod();
        await Payouts.ImportAsync(Clerk, "demo");

        var unpaid = Assert.Single(await Payouts.UnpaidCapturesAsync("demo"));
        using var csv = new MemoryStream();
        await Payouts.WriteCsvAsync("demo", csv, new CsvFormat(',', System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(("never-paid-out", 700L, "KR-UNPAID"), (unpaid.CaptureId, unpaid.Amount, unpaid.OrderNumber));
        var rows = Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PaymentReference,PayoutDate,Currency,SettlementAmount,Type,Amount,OrderId,CaptureId,RefundId,Match", rows[0], StringComparison.Ordinal);
        Assert.Equal(3, rows.Length);
        Assert.Contains(rows, r => r.Contains(",SALE,10.00,", StringComparison.Ordinal) && r.TrimEnd('\r').EndsWith(",Matched", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Importing_needs_an_operator_and_a_set_up_service()
    {
        await Assert.ThrowsAsync<BackOffice.Web.Features.Users.AccessRefusedException>(() => Payouts.ImportAsync(app.Staff(Roles.Viewer), "demo"));
        var none = await Assert.ThrowsAsync<BusinessRuleException>(() => Payouts.ImportAsync(Clerk, "nowhere"));
        Assert.Equal("Klarna Payments (direct) is not set up for this channel.", none.Text.Key);
    }

    /// <summary>An order placed and captured at Klarna that the books never heard of.</summary>
    private async Task<string> PlaceAtKlarnaOnlyAsync()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-STRANGER");
        string reference;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            reference = (await db.Transactions.SingleAsync(t => t.Id == id)).Reference;
            await db.Transactions.Where(t => t.Id == id).ExecuteDeleteAsync();
        }
        await new KlarnaRestClient(new HttpClient(), TimeProvider.System).CaptureAsync(app.Merchant(), reference, new KlarnaCaptureRequest(1000), Guid.NewGuid().ToString());
        return reference;
    }
}
