using System.Text;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

[Collection(AppCollection.Name)]
public sealed class TransactionQueryTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();
    private readonly List<Transaction> stored = [];

    public async Task InitializeAsync()
    {
        app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        for (var i = 0; i < 30; i++)
        {
            var transaction = TransactionTests.New(amount: 1_000 + i, channelId: channel.Id, orderNumber: $"Q-{i:00}");
            if (i % 3 == 0)
                transaction.Capture(transaction.RemainingAmount);
            stored.Add(transaction);
        }
        db.Transactions.AddRange(stored);
        db.Invoices.Add(new Invoice(stored[3].Id, "41511272881900675", "EUR", stored[3].CapturedAmount, [], DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private TransactionQuery Query => app.Service<TransactionQuery>();

    [Fact]
    public async Task Pages_and_sorts_in_the_database()
    {
        var (page, total) = await Query.PageAsync(new TransactionSearch(), TransactionSort.Amount, descending: true, page: 1, pageSize: 10);

        Assert.Equal(30, total);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 1_019L - i), page.Select(r => r.AuthorizedAmount));
        Assert.All(page, r => Assert.Equal("demo", r.Channel));
    }

    [Theory]
    [InlineData("Q-07", 1)]
    [InlineData("q-1", 10)]
    [InlineData("2359889900", 30)]
    [InlineData("41511272881900675", 1)]
    [InlineData("max@example", 30)]
    [InlineData("Mustermann", 30)]
    [InlineData("nobody", 0)]
    public async Task Free_text_finds_order_reservation_invoice_email_and_name(string text, int expected)
    {
        Assert.Equal(expected, (await Query.PageAsync(new TransactionSearch(Text: text), TransactionSort.Created, true, 0, 100)).Total);
    }

    [Fact]
    public async Task Filters_combine()
    {
        Assert.Equal(10, (await Query.PageAsync(new TransactionSearch(State: TransactionState.Captured), TransactionSort.Created, true, 0, 100)).Total);
        Assert.Equal(20, (await Query.PageAsync(new TransactionSearch(ChannelCode: "demo", Service: ServiceKind.Invoice, State: TransactionState.Authorized, Currency: "EUR"), TransactionSort.Created, true, 0, 100)).Total);
        Assert.Equal(0, (await Query.PageAsync(new TransactionSearch(Currency: "SEK"), TransactionSort.Created, true, 0, 100)).Total);
        Assert.Equal(0, (await Query.PageAsync(new TransactionSearch(ChannelCode: "other"), TransactionSort.Created, true, 0, 100)).Total);
        Assert.Equal(30, (await Query.PageAsync(new TransactionSearch(CreatedFrom: new DateOnly(2026, 11, 23), CreatedTo: new DateOnly(2026, 11, 23)), TransactionSort.Created, true, 0, 100)).Total);
        Assert.Equal(0, (await Query.PageAsync(new TransactionSearch(CreatedFrom: new DateOnly(2026, 11, 24)), TransactionSort.Created, true, 0, 100)).Total);
    }

    [Fact]
    public async Task The_csv_holds_every_match_in_major_units()
    {
        using var output = new MemoryStream();

        await Query.WriteCsvAsync(new TransactionSearch(State: TransactionState.Captured), output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(11, lines.Count);
        Assert.StartsWith("OrderNumber,ReservationNumber,Channel,Service,Environment,State,Currency,Authorized", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Q-27,2359889900,demo,Invoice,Test,Captured,EUR,10.27,10.27,10.27,0,", StringComparison.Ordinal));
    }
}
