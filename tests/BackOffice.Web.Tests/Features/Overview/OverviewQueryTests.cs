using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Overview;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Overview;

/// <summary>The home page's figures per currency and what needs attention, over the app's own database.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class OverviewQueryTests : IAsyncLifetime
{
    // Noon in Berlin, whose days the overview counts: with the real clock the test failed when a day began between
    // writing the figures and reading them.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 11, 0, 0, TimeSpan.Zero);
    private readonly BackOfficeAppFactory app = new() { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now) };

    public async Task InitializeAsync()
    {
        app.CreateClient();
        var now = Now;
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = (await db.Channels.SingleAsync(c => c.Code == "demo")).Id;
        Transaction New(string order, long amount, DateTimeOffset? created = null, AuthorizationStatus status = AuthorizationStatus.Accepted) =>
            TransactionTests.New(status, amount, channel, order, createdAt: created ?? now.AddDays(-40));

        var open = New("OV-OPEN", 10_000);
        var part = New("OV-PART", 10_000);
        part.Capture(4_000);
        var week = New("OV-WEEK", 2_500);
        week.Capture(2_500);
        var month = New("OV-MONTH", 1_000);
        month.Capture(1_000);
        var old = New("OV-OLD", 700);
        old.Capture(700);
        var pending = New("OV-PENDING", 300, now.AddDays(-2), AuthorizationStatus.Pending);
        var fresh = New("OV-FRESH", 300, now.AddHours(-1), AuthorizationStatus.Pending);
        db.Transactions.AddRange(open, part, week, month, old, pending, fresh);
        db.Invoices.AddRange(
            new Invoice(part.Id, "OV-1", "EUR", 4_000, [], now),
            new Invoice(week.Id, "OV-2", "EUR", 2_500, [], now.AddDays(-3)),
            new Invoice(month.Id, "OV-3", "EUR", 1_000, [], now.AddDays(-20)),
            new Invoice(old.Id, "OV-4", "EUR", 700, [], now.AddDays(-40)),
            new Invoice(open.Id, "OV-5", "SEK", 50_000, [], now));
        var refund = new Operation(week.Id, OperationKind.Refund, OperationScope.Amount, null, 500, [], "OV-2", "", "clerk", now, now);
        refund.Succeed(now);
        var lost = new Operation(open.Id, OperationKind.Capture, OperationScope.Whole, open.Reference, 10_000, [], null, "", "clerk", now, now);
        lost.MarkUnknown(now, new Message("no answer"));
        db.Operations.AddRange(refund, lost);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Each_currency_shows_what_is_open_what_was_captured_and_refunded_and_the_days()
    {
        var figures = await app.Service<OverviewQuery>().LoadAsync();

        var eur = figures.Currencies.Single(c => c.Currency == "EUR");
        Assert.Equal((16_000L, 4_000L, 6_500L, 7_500L, 500L), (eur.OpenAuthorized, eur.CapturedToday, eur.Captured7Days, eur.Captured30Days, eur.Refunded30Days));
        Assert.Equal(OverviewQuery.Days, eur.CapturedPerDay.Count);
        Assert.Equal((4_000L, 2_500L), (eur.CapturedPerDay[^1], eur.CapturedPerDay[^4]));
        Assert.Equal(50_000, figures.Currencies.Single(c => c.Currency == "SEK").CapturedToday);
        Assert.Equal(OverviewQuery.Days, figures.Days.Count);
    }

    [Fact]
    public async Task What_needs_attention_is_counted_and_the_list_filters_for_it()
    {
        var figures = await app.Service<OverviewQuery>().LoadAsync();

        Assert.Equal((1, 1), (figures.Attention.UnknownOutcomes, figures.Attention.PendingOverADay));
        Assert.True(figures.Attention.Any);
        var listed = await app.Service<TransactionQuery>().SearchAsync(new TransactionSearch(NeedsAttention: true), TransactionPageRequest.First(25));
        Assert.Equal(["OV-OPEN", "OV-PENDING"], listed.Page.Rows.Select(r => r.OrderNumber).Order());
        Assert.Equal(TransactionSearchAddress.Parse("http://x/transactions?attention=true"), new TransactionSearch(NeedsAttention: true));
    }
}
