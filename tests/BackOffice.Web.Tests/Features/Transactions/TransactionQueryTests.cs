using System.Text;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>
/// Thirty transactions in an app of their own: the tests that only read share one (an app takes longer to start than
/// these tests take to run); those that add rows make their own.
/// </summary>
public sealed class QueryBooks : IAsyncLifetime
{
    private static readonly string[] Names = ["Max Mustermann", "Jürgen Müller", "JÜRGEN MÜLLER", "Anna Mueller", "Åsa Öberg", "Zoë Weiß", "Lars Ærø"];

    public static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public BackOfficeAppFactory App { get; } = new();

    public List<Transaction> Stored { get; } = [];

    public static async Task<QueryBooks> OfTheirOwnAsync()
    {
        var books = new QueryBooks();
        await books.InitializeAsync();
        return books;
    }

    public async Task InitializeAsync()
    {
        App.CreateClient();
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        for (var i = 0; i < 30; i++)
        {
            // Amounts repeat (ties for the keyset) and two rows share each creation time.
            var name = Names[i % Names.Length];
            var transaction = TransactionTests.New(amount: 1_000 + i % 10, channelId: channel.Id, orderNumber: $"Q-{i:00}", name: name,
                email: $"{name.Split(' ')[1].ToLowerInvariant()}.{i}@example.com", createdAt: Start.AddMinutes(i / 2));
            if (i % 3 == 0)
                transaction.Capture(transaction.RemainingAmount);
            Stored.Add(transaction);
        }
        db.Transactions.AddRange(Stored);
        db.Invoices.Add(new Invoice(Stored[3].Id, "41511272881900675", "EUR", Stored[3].CapturedAmount, [], DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public TransactionQuery Query => App.Service<TransactionQuery>();

    public async Task AddAsync(IEnumerable<Transaction> transactions)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        db.Transactions.AddRange(transactions);
        await db.SaveChangesAsync();
    }
}

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class TransactionQueryTests(QueryBooks books) : IClassFixture<QueryBooks>
{
    private static DateTimeOffset Start => QueryBooks.Start;

    private TransactionQuery Query => books.Query;

    public static TheoryData<TransactionSort, bool> Orders => new()
    {
        { TransactionSort.Created, true }, { TransactionSort.Created, false }, { TransactionSort.Amount, true },
        { TransactionSort.Amount, false }, { TransactionSort.OrderNumber, false }, { TransactionSort.Expires, true },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Next_and_previous_walk_every_row_once_in_order_with_ties_broken_by_id(TransactionSort sort, bool descending)
    {
        var expected = Ordered(sort, descending).Select(t => t.Id).ToList();
        var forward = new List<TransactionListPage>();
        var page = await Query.PageAsync(new TransactionSearch(), TransactionPageRequest.First(7, sort, descending));
        forward.Add(page);
        while (page.HasNext)
        {
            page = await Query.PageAsync(new TransactionSearch(), new TransactionPageRequest(sort, descending, PageDirection.Next, page.Rows[^1], 7));
            forward.Add(page);
        }

        Assert.Equal(expected, forward.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Equal([7, 7, 7, 7, 2], forward.Select(p => p.Rows.Count));
        Assert.False(forward[0].HasPrevious);
        Assert.All(forward.Skip(1), p => Assert.True(p.HasPrevious));

        var backward = new List<TransactionListPage> { page };
        while (page.HasPrevious)
        {
            page = await Query.PageAsync(new TransactionSearch(), new TransactionPageRequest(sort, descending, PageDirection.Previous, page.Rows[0], 7));
            backward.Insert(0, page);
        }
        Assert.Equal(expected, backward.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Equal(expected.TakeLast(7), (await Query.PageAsync(new TransactionSearch(), new TransactionPageRequest(sort, descending, PageDirection.Last, null, 7))).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Rows_carry_their_channel()
    {
        var page = await Query.PageAsync(new TransactionSearch(), TransactionPageRequest.First(10, TransactionSort.Amount));

        Assert.Equal([1_009L, 1_009, 1_009, 1_008, 1_008, 1_008, 1_007, 1_007, 1_007, 1_006], page.Rows.Select(r => r.AuthorizedAmount));
        Assert.All(page.Rows, r => Assert.Equal("demo", r.Channel));
    }

    [Theory]
    [InlineData("Q-07", 1)]
    [InlineData("q-1", 10)]
    [InlineData("2359889900", 30)]
    [InlineData("41511272881900675", 1)]
    [InlineData("@example", 30)]
    [InlineData("mustermann.", 5)]
    [InlineData("Mustermann", 5)]
    [InlineData("nobody", 0)]
    public async Task Free_text_finds_order_reservation_invoice_email_and_name(string text, int expected)
    {
        Assert.Equal(new TransactionCount(expected, MoreThan: false), await Query.CountAsync(new TransactionSearch(Text: text)));
        Assert.Equal(Math.Min(expected, 25), (await Query.PageAsync(new TransactionSearch(Text: text), TransactionPageRequest.First(25))).Rows.Count);
    }

    [Theory]
    [InlineData("MÜLLER")]
    [InlineData("müller")]
    [InlineData("Müller")]
    [InlineData("Mueller")]
    [InlineData("MUELLER")]
    public async Task Names_are_found_in_any_case_with_umlauts_or_written_out(string text)
    {
        var expected = books.Stored.Where(t => t.Customer.Name.Contains("Müller", StringComparison.OrdinalIgnoreCase)
            || t.Customer.Name.Contains("Mueller", StringComparison.Ordinal)).Select(t => t.Id).Order();

        var page = await Query.PageAsync(new TransactionSearch(Text: text), TransactionPageRequest.First(100));

        Assert.Equal(13, expected.Count());
        Assert.Equal(expected, page.Rows.Select(r => r.Id).Order());
    }

    [Theory]
    [InlineData("åsa", "Åsa Öberg")]
    [InlineData("OEBERG", "Åsa Öberg")]
    [InlineData("weiss", "Zoë Weiß")]
    [InlineData("zoe w", "Zoë Weiß")]
    [InlineData("aeroe", "Lars Ærø")]
    public async Task Nordic_letters_and_accents_fold_too(string text, string name)
    {
        var page = await Query.PageAsync(new TransactionSearch(Text: text), TransactionPageRequest.First(100));

        Assert.NotEmpty(page.Rows);
        Assert.All(page.Rows, r => Assert.Equal(name, r.CustomerName));
    }

    [Fact]
    public async Task An_exact_order_number_is_the_answer_even_where_fragments_would_match_more()
    {
        // "Q-1" is a fragment of Q-10 … Q-19 too, but an order is called exactly that.
        await using var own = await QueryBooks.OfTheirOwnAsync();
        await own.AddAsync([TransactionTests.New(channelId: own.Stored[0].ChannelId, orderNumber: "Q-1", reservationNumber: "9999999999")]);

        var page = await own.Query.PageAsync(new TransactionSearch(Text: " Q-1 "), TransactionPageRequest.First(25));

        Assert.Equal(["Q-1"], page.Rows.Select(r => r.OrderNumber));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("100%")]
    [InlineData("_x_")]
    [InlineData("\"")]
    [InlineData("a\" OR \"b")]
    [InlineData("NEAR(mus ter)")]
    [InlineData("\\")]
    public async Task Search_text_is_text_never_syntax(string text)
    {
        Assert.Equal(new TransactionCount(0, MoreThan: false), await Query.CountAsync(new TransactionSearch(Text: text)));
        Assert.Empty((await Query.PageAsync(new TransactionSearch(Text: text), TransactionPageRequest.First(25))).Rows);
    }

    [Fact]
    public async Task Text_shorter_than_three_characters_finds_exact_numbers_only()
    {
        Assert.Equal(0, (await Query.CountAsync(new TransactionSearch(Text: "Q-"))).Value);
        Assert.Equal(0, (await Query.CountAsync(new TransactionSearch(Text: "ma"))).Value);
    }

    [Fact]
    public async Task Filters_combine()
    {
        Assert.Equal(10, (await Query.CountAsync(new TransactionSearch(State: TransactionState.Captured))).Value);
        Assert.Equal(20, (await Query.CountAsync(new TransactionSearch(ChannelCode: "demo", Service: KlarnaModule.Invoice, State: TransactionState.Authorized, Currency: "EUR"))).Value);
        Assert.Equal(0, (await Query.CountAsync(new TransactionSearch(Currency: "SEK"))).Value);
        Assert.Equal(0, (await Query.CountAsync(new TransactionSearch(ChannelCode: "other"))).Value);
        Assert.Equal(30, (await Query.CountAsync(new TransactionSearch(CreatedFrom: new DateOnly(2026, 11, 23), CreatedTo: new DateOnly(2026, 11, 23)))).Value);
        Assert.Equal(0, (await Query.CountAsync(new TransactionSearch(CreatedFrom: new DateOnly(2026, 11, 24)))).Value);
        Assert.Equal(9, (await Query.CountAsync(new TransactionSearch(Text: "müller", State: TransactionState.Authorized, CreatedTo: new DateOnly(2026, 11, 23)))).Value);
    }

    [Fact]
    public async Task The_count_stops_at_ten_thousand_and_says_more_than()
    {
        await using var own = await QueryBooks.OfTheirOwnAsync();
        await own.AddAsync(Enumerable.Range(0, TransactionQuery.CountBound - 30 + 1)
            .Select(i => TransactionTests.New(channelId: own.Stored[0].ChannelId, orderNumber: $"BULK-{i}", createdAt: Start.AddDays(-1))));

        var count = await own.Query.CountAsync(new TransactionSearch());

        Assert.Equal(new TransactionCount(10_000, MoreThan: true), count);
        Assert.Equal((10_000, true), (count.Value, count.MoreThan));
        Assert.Equal(new TransactionCount(9_971, MoreThan: false), await own.Query.CountAsync(new TransactionSearch(CreatedTo: new DateOnly(2026, 11, 22))));
    }

    [Fact]
    public async Task A_fragment_in_more_rows_than_are_looked_up_by_id_finds_the_same_pages_and_counts_by_walking_the_list()
    {
        await using var own = await QueryBooks.OfTheirOwnAsync();
        var many = Enumerable.Range(0, TransactionQuery.FewMatches + 400).Select(i =>
        {
            var transaction = TransactionTests.New(channelId: own.Stored[0].ChannelId, orderNumber: $"MANY-{i}", name: i % 5 == 4 ? "Heinz Schulz" : "Heinz Müller",
                email: $"h{i}@example.org", createdAt: Start.AddMinutes(-(i % 700)));
            if (i % 4 == 0)
                transaction.Capture(transaction.RemainingAmount);
            return transaction;
        }).ToList();
        await own.AddAsync(many);
        var all = own.Stored.Concat(many).ToList();
        List<Guid> Expected(Func<Transaction, bool> filter) =>
            [.. all.Where(t => SearchFolding.Of(t.OrderNumber, t.Customer).Contains("mueller", StringComparison.Ordinal) && filter(t))
                .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Select(t => t.Id)];

        foreach (var (search, filter) in new (TransactionSearch, Func<Transaction, bool>)[]
        {
            (new(Text: "MÜLLER"), _ => true),
            (new(Text: "Mueller", State: TransactionState.Captured), t => t.State == TransactionState.Captured),
            (new(Text: "müller", ChannelCode: "demo", Currency: "EUR"), _ => true),
        })
        {
            var expected = Expected(filter);
            Assert.True(expected.Count > 25);
            var (first, count) = await own.Query.SearchAsync(search, TransactionPageRequest.First(25));
            Assert.Equal(new TransactionCount(expected.Count, MoreThan: false), count);
            Assert.Equal(expected.Take(25), first.Rows.Select(r => r.Id));
            var second = await own.Query.PageAsync(search, new TransactionPageRequest(TransactionSort.Created, true, PageDirection.Next, first.Rows[^1], 25));
            Assert.Equal(expected.Skip(25).Take(25), second.Rows.Select(r => r.Id));
        }
        Assert.True(Expected(_ => true).Count > TransactionQuery.FewMatches);
    }

    [Fact]
    public async Task Country_and_a_range_of_amounts_filter_and_travel_in_the_address()
    {
        var search = new TransactionSearch(Currency: "EUR", Country: "DE", MinAmount: 1_003, MaxAmount: 1_005);

        var (page, count) = await Query.SearchAsync(search, TransactionPageRequest.First(25));

        Assert.Equal(new TransactionCount(9, MoreThan: false), count);
        Assert.All(page.Rows, r => Assert.InRange(r.AuthorizedAmount, 1_003, 1_005));
        Assert.Equal(0, (await Query.CountAsync(search with { Country = "SE" })).Value);
        var address = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("http://x/transactions", TransactionSearchAddress.Query(search));
        Assert.Equal(search, TransactionSearchAddress.Parse(address));
    }

    [Fact]
    public async Task The_csv_holds_every_match_in_major_units()
    {
        using var output = new MemoryStream();

        await Query.WriteCsvAsync(new TransactionSearch(State: TransactionState.Captured), output, CsvFormat.For(System.Globalization.CultureInfo.GetCultureInfo("en-US"), null));

        var lines = Encoding.UTF8.GetString(output.ToArray()[3..]).Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(11, lines.Count);
        Assert.StartsWith("OrderNumber,ReservationNumber,Channel,Service,Environment,State,Currency,Authorized", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Q-27,2359889900,demo,Invoice,Test,Captured,EUR,10.07,10.07,10.07,0.00,", StringComparison.Ordinal));
        Assert.StartsWith("Q-27,", lines[1], StringComparison.Ordinal);
    }

    private IEnumerable<Transaction> Ordered(TransactionSort sort, bool descending)
    {
        // The database orders ids as it stores them: SQLite as upper-case text, PostgreSQL as uuid (byte order).
        Func<Transaction, string> id = TestDatabase.IsPostgreSql ? t => t.Id.ToString() : t => t.Id.ToString().ToUpperInvariant();
        var ordered = sort switch
        {
            TransactionSort.Amount => books.Stored.OrderBy(t => t.AuthorizedAmount),
            TransactionSort.OrderNumber => books.Stored.OrderBy(t => t.OrderNumber, StringComparer.Ordinal),
            TransactionSort.Expires => books.Stored.OrderBy(t => t.ExpiresAt),
            _ => books.Stored.OrderBy(t => t.CreatedAt),
        };
        var withId = ordered.ThenBy(id, StringComparer.Ordinal);
        return descending ? withId.Reverse() : withId;
    }
}
