using System.Linq.Expressions;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

public sealed record TransactionSearch(
    string? Text = null,
    string? ChannelCode = null,
    ServiceKind? Service = null,
    TransactionState? State = null,
    string? Currency = null,
    DateOnly? CreatedFrom = null,
    DateOnly? CreatedTo = null,
    bool ExpiresSoon = false,
    bool NeedsAttention = false,
    string? Country = null,
    long? MinAmount = null,
    long? MaxAmount = null,
    string? Mark = null)
{
    /// <summary>A search text longer than any order number, name or e-mail finds nothing more, and would not fit in an address.</summary>
    public const int MaxTextLength = 100;

    /// <summary>Why the search cannot be run, or null: the one rule the page, the query and the CSV export share.</summary>
    public Message? TextError => Text?.Trim().Length > MaxTextLength ? new Message("A search is at most {0} characters.", MaxTextLength) : null;
}

/// <summary>The list's orders; each is served by an index, with the id breaking ties.</summary>
public enum TransactionSort
{
    Created,
    OrderNumber,
    Amount,
    Expires,
}

public enum PageDirection
{
    First,
    Next,
    Previous,
    Last,
}

/// <summary>
/// Which page: the first or last in the given order, or the one after (<see cref="PageDirection.Next"/>) or before
/// (<see cref="PageDirection.Previous"/>) the row <see cref="From"/> — the last, respectively first, row shown now.
/// <see cref="Skip"/> starts the first page further on: only for coming back to a page from its address, as it reads
/// the rows skipped.
/// </summary>
public sealed record TransactionPageRequest(TransactionSort Sort, bool Descending, PageDirection Direction, TransactionRow? From, int Size, int Skip = 0)
{
    public static TransactionPageRequest First(int size, TransactionSort sort = TransactionSort.Created, bool descending = true) =>
        new(sort, descending, PageDirection.First, null, size);
}

/// <summary>A page of rows in the requested order, and whether there are rows before and after it.</summary>
public sealed record TransactionListPage(IReadOnlyList<TransactionRow> Rows, bool HasPrevious, bool HasNext);

/// <summary>How many transactions match: exact up to <see cref="TransactionQuery.CountBound"/>, beyond it only "more than".</summary>
public readonly record struct TransactionCount(int Value, bool MoreThan)
{
}

/// <summary>A list row; init properties (not a constructor) so the database can still filter and sort it.</summary>
public sealed record TransactionRow
{
    public Guid Id { get; init; }
    public string OrderNumber { get; init; } = "";
    public string Reference { get; init; } = "";
    public string Channel { get; init; } = "";
    public ServiceKind Service { get; init; }
    public ProviderEnvironment Environment { get; init; }
    public TransactionState State { get; init; }
    public string Currency { get; init; } = "";
    public long AuthorizedAmount { get; init; }
    public long ReservedAmount { get; init; }
    public long CapturedAmount { get; init; }
    public long RefundedAmount { get; init; }
    public string CustomerName { get; init; } = "";
    public string CustomerEmail { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>An invoice as the detail page shows it: the download link lives 30 days after capture.</summary>
public sealed record InvoiceView(Invoice Invoice, string? DownloadUrl);

/// <summary>Everything the detail page shows; <see cref="ConfigurationChanged"/> says why its channel's service differs now.</summary>
public sealed record TransactionDetails(
    Transaction Transaction, string ChannelCode, IReadOnlyList<InvoiceView> Invoices, IReadOnlyList<Operation> Operations, Message? ConfigurationChanged)
{
    /// <summary>The money action under way or of unknown outcome: while there is one, no other may start.</summary>
    public Operation? ActiveOperation => Operations.FirstOrDefault(o => o.Id == Transaction.ActiveOperationId);
}

/// <summary>
/// The transaction list, built for millions of rows: exact identifiers are looked up by index first; fragments of
/// order number, name and e-mail go through the text index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) over the
/// folded form; pages are found by key (never by offset) and the count stops at a bound. The CSV streams every match.
/// </summary>
public sealed class TransactionQuery(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time, PaymentPorts ports, IEnumerable<ITransactionMark> marks)
{
    public static readonly TimeSpan ExpiresSoonWindow = TimeSpan.FromDays(2);

    /// <summary>Counting stops here: beyond it the list says "more than 10,000" instead of scanning every match.</summary>
    public const int CountBound = 10_000;

    /// <summary>The text index works on runs of three characters; shorter text matches identifiers only.</summary>
    public const int MinimumFragment = 3;

    /// <summary>Whether the text is long enough, folded, to be looked for in names and e-mails too.</summary>
    public static bool SearchesNames(string text) => SearchFolding.Fold(text.Trim()).Length >= MinimumFragment;

    /// <summary>A new search: its first page (or the one asked for) and its count, in one go.</summary>
    public async Task<(TransactionListPage Page, TransactionCount Count)> SearchAsync(
        TransactionSearch search, TransactionPageRequest request, CancellationToken cancellationToken = default)
    {
        await using var db = await OpenAsync(cancellationToken);
        var matches = await FilterAsync(db, search, cancellationToken);
        var page = await PageAsync(db, matches.Listed, request, cancellationToken);
        // Fewer rows than a page from the first page: that is the count, no need to ask again.
        var count = request is { Direction: PageDirection.First, Skip: 0 } && !page.HasNext
            ? page.Rows.Count
            : matches.Known ?? await matches.Counted.Take(CountBound + 1).CountAsync(cancellationToken);
        return (page, count > CountBound ? new TransactionCount(CountBound, MoreThan: true) : new TransactionCount(count, MoreThan: false));
    }

    /// <summary>A page turn: no count.</summary>
    public async Task<TransactionListPage> PageAsync(TransactionSearch search, TransactionPageRequest request, CancellationToken cancellationToken = default)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await PageAsync(db, (await FilterAsync(db, search, cancellationToken)).Listed, request, cancellationToken);
    }

    /// <summary>One connection for the call's few queries: opening one costs more than a seek (EF sets up SQLite's functions each time).</summary>
    private async Task<BackOfficeDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return db;
    }

    /// <summary>The ids of the first <paramref name="limit"/> matching transactions, newest first.</summary>
    public async Task<IReadOnlyList<Guid>> IdsAsync(TransactionSearch search, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var matches = (await FilterAsync(db, search, cancellationToken)).Listed;
        return await matches.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Select(t => t.Id).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<TransactionCount> CountAsync(TransactionSearch search, CancellationToken cancellationToken = default) =>
        (await SearchAsync(search, TransactionPageRequest.First(1), cancellationToken)).Count;

    private static async Task<TransactionListPage> PageAsync(BackOfficeDbContext db, IQueryable<Transaction> matches, TransactionPageRequest request, CancellationToken cancellationToken)
    {
        // Previous and Last walk against the shown order from their end; the rows are turned round afterwards.
        var forward = request.Direction is PageDirection.First or PageDirection.Next;
        var ascending = request.Descending != forward;
        var from = request.Direction is PageDirection.Next or PageDirection.Previous ? request.From : null;
        var skip = request.Direction == PageDirection.First ? request.Skip : 0;
        // The page's ids first, from the narrow index entries; then only those rows, which are wide, are read.
        var ids = Walk(matches, request.Sort, ascending, from).Select(t => t.Id).Skip(skip).Take(request.Size + 1);
        var rows = await Rows(db, Walk(db.Transactions.AsNoTracking().Where(t => ids.Contains(t.Id)), request.Sort, ascending, null)).ToListAsync(cancellationToken);
        var more = rows.Count > request.Size;
        rows = [.. rows.Take(request.Size)];
        if (!forward)
            rows.Reverse();
        return request.Direction switch
        {
            PageDirection.First => new TransactionListPage(rows, HasPrevious: skip > 0, HasNext: more),
            PageDirection.Next => new TransactionListPage(rows, HasPrevious: true, HasNext: more),
            PageDirection.Previous => new TransactionListPage(rows, HasPrevious: more, HasNext: true),
            _ => new TransactionListPage(rows, HasPrevious: more, HasNext: false),
        };
    }

    public async Task<TransactionDetails?> DetailsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transaction is null)
            return null;
        var channel = await db.Channels.AsNoTracking().SingleAsync(c => c.Id == transaction.ChannelId, cancellationToken);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == id).OrderBy(i => i.CapturedAt).ToListAsync(cancellationToken);
        var operations = await db.Operations.AsNoTracking().Where(o => o.TransactionId == id).OrderByDescending(o => o.RequestedAt).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var port = ports.For(transaction.Provider);
        var changed = await port.MerchantChangeAsync(db, channel, transaction, cancellationToken);
        return new TransactionDetails(transaction, channel.Code, [.. invoices.Select(i => new InvoiceView(i, port.InvoiceDocument(transaction, i, now)))], operations, changed);
    }

    /// <summary>The transaction's version, which changes with every change: open pages compare it to reload.</summary>
    public async Task<Guid?> VersionAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Transactions.Where(t => t.Id == id).Select(t => (Guid?)t.Version).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Writes every matching transaction as CSV, row by row, for the spreadsheet of <paramref name="format"/>: UTF-8 with
    /// a byte order mark (so Excel reads umlauts), its separator, amounts with their currency's decimals in its number
    /// format, times in ISO 8601 UTC to the second.
    /// </summary>
    public async Task WriteCsvAsync(TransactionSearch search, Stream output, CsvFormat format, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var csv = await format.StartAsync(output, cancellationToken);
        await csv.WriteRecordAsync(["OrderNumber", "ReservationNumber", "Channel", "Service", "Environment", "State", "Currency",
            "Authorized", "Reserved", "Captured", "Refunded", "CustomerName", "CustomerEmail", "CreatedAt", "ExpiresAt", "Marks"], cancellationToken);
        // Marked orders are few beside all orders: each mark's ids are read once, not per row.
        var marked = new List<(string Name, HashSet<Guid> Ids)>();
        foreach (var mark in marks)
            marked.Add((mark.Name, [.. await mark.Marked(db).ToListAsync(cancellationToken)]));
        var matches = (await FilterAsync(db, search, cancellationToken)).Listed;
        await foreach (var row in Rows(db, Walk(matches, TransactionSort.Created, ascending: false, from: null)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            string Major(long amount) => format.Amount(amount, row.Currency);
            await csv.WriteRecordAsync(
            [
                row.OrderNumber, row.Reference, row.Channel, row.Service.ToString(), row.Environment.ToString(), row.State.ToString(), row.Currency,
                Major(row.AuthorizedAmount), Major(row.ReservedAmount), Major(row.CapturedAmount), Major(row.RefundedAmount),
                row.CustomerName, row.CustomerEmail, CsvFormat.Time(row.CreatedAt), CsvFormat.Time(row.ExpiresAt),
                string.Join("; ", marked.Where(m => m.Ids.Contains(row.Id)).Select(m => m.Name)),
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The matches as the list walks them, and the ids that count them: the same rows. They are found differently only
    /// for a fragment in many rows, where the list reads its index in the list's order and keeps the rows whose text
    /// holds the fragment, while the count goes through the text index (<see cref="Known"/> when it was taken already).
    /// </summary>
    private sealed record Matches(IQueryable<Transaction> Listed, IQueryable<Guid> Counted, int? Known = null);

    private async Task<Matches> FilterAsync(BackOfficeDbContext db, TransactionSearch search, CancellationToken cancellationToken)
    {
        if (search.TextError is { } tooLong)
            throw new BusinessRuleException(tooLong);
        var channelId = search.ChannelCode is { Length: > 0 } code
            ? await db.Channels.Where(c => c.Code == code).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken)
            : null;
        var all = db.Transactions.AsNoTracking();
        if (search.Text?.Trim() is not { Length: > 0 } text)
            return Same(all);

        var exact = await ExactMatchesAsync(db, text, cancellationToken);
        if (exact.Count > 0)
            return Same(all.Where(t => exact.Contains(t.Id)));
        if (!SearchesNames(text))
            return Same(all.Where(t => false));
        var folded = SearchFolding.Fold(text);
        // A fragment in few rows is looked up by id; in many ("Müller"), reading them all to sort them by date would take
        // long, while walking the list's order finds a page of them within a few thousand rows. The text index counts
        // them either way, which is the answer's count when the text is all there is to the search.
        var inText = await Containing(db, folded).Take(CountBound + 1).CountAsync(cancellationToken);
        if (inText <= FewMatches)
        {
            var few = await Containing(db, folded).ToListAsync(cancellationToken);
            return Same(all.Where(t => few.Contains(t.Id)));
        }
        var pattern = LikePattern.Containing(folded);
        var listed = Filter(db, all.Where(t => EF.Functions.Like(t.SearchText, pattern, LikePattern.Escape)), search, channelId);
        if (search with { Text = null } == new TransactionSearch())
            return new Matches(listed, Containing(db, folded), inText);
        // With other filters too, each row the text index finds is read to check them.
        return new Matches(listed, Filter(db, all.Join(Containing(db, folded), t => t.Id, id => id, (t, _) => t), search, channelId).Select(t => t.Id));

        Matches Same(IQueryable<Transaction> matches)
        {
            var filtered = Filter(db, matches, search, channelId);
            return new Matches(filtered, filtered.Select(t => t.Id));
        }
    }

    /// <summary>Up to this many rows hold a fragment, they are looked up by id and sorted; beyond it the list's order is walked.</summary>
    public const int FewMatches = 1_000;

    private IQueryable<Transaction> Filter(BackOfficeDbContext db, IQueryable<Transaction> transactions, TransactionSearch search, int? channelId)
    {
        if (search.ChannelCode is { Length: > 0 })
            transactions = transactions.Where(t => t.ChannelId == channelId);
        if (search.Service is { } service)
            transactions = transactions.Where(t => t.Service == service);
        if (search.State is { } state)
            transactions = transactions.Where(t => t.State == state);
        if (search.Currency is { Length: > 0 } currency)
            transactions = transactions.Where(t => t.Currency == currency);
        if (search.Country is { Length: > 0 } country)
            transactions = transactions.Where(t => t.Country == country);
        // Authorized amounts in minor units; a range only means something within one currency, which the page asks for.
        if (search.MinAmount is { } min)
            transactions = transactions.Where(t => t.AuthorizedAmount >= min);
        if (search.MaxAmount is { } max)
            transactions = transactions.Where(t => t.AuthorizedAmount <= max);
        if (search.CreatedFrom is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            transactions = transactions.Where(t => t.CreatedAt >= start);
        }
        if (search.CreatedTo is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            transactions = transactions.Where(t => t.CreatedAt < end);
        }
        if (search.NeedsAttention)
        {
            // An outcome nobody knows yet, or a review at Klarna that has taken more than a day.
            var dayAgo = time.GetUtcNow().AddDays(-1);
            var unknown = db.Operations.Where(o => o.State == OperationState.Unknown).Select(o => o.TransactionId);
            transactions = transactions.Where(t => unknown.Contains(t.Id) || t.State == TransactionState.Pending && t.CreatedAt < dayAgo);
        }
        if (search.ExpiresSoon)
        {
            var soon = time.GetUtcNow().Add(ExpiresSoonWindow);
            transactions = transactions.Where(t => (t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured) && t.ExpiresAt <= soon);
        }
        if (search.Mark is { Length: > 0 } key)
        {
            // A mark no module knows any more matches nothing, as an unknown channel does.
            var marked = marks.FirstOrDefault(m => m.Key == key)?.Marked(db);
            transactions = marked is null ? transactions.Where(_ => false) : transactions.Where(t => marked.Contains(t.Id));
        }
        return transactions;
    }

    /// <summary>The transactions whose order, reservation or invoice number is exactly the text: three index seeks.</summary>
    private static async Task<List<Guid>> ExactMatchesAsync(BackOfficeDbContext db, string text, CancellationToken cancellationToken) =>
        await db.Transactions.Where(t => t.OrderNumber == text).Select(t => t.Id)
            .Union(db.Transactions.Where(t => t.Reference == text).Select(t => t.Id))
            .Union(db.Invoices.Where(i => i.InvoiceNumber == text).Select(i => i.TransactionId))
            .Take(CountBound + 1)
            .ToListAsync(cancellationToken);

    /// <summary>The ids whose folded text contains the folded fragment, through the text index's own narrow table.</summary>
    private static IQueryable<Guid> Containing(BackOfficeDbContext db, string fragment)
    {
        if (db.Database.IsSqlite())
        {
            // A quoted FTS5 string is a phrase: with the trigram tokenizer, a substring.
            var phrase = $"\"{fragment.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            return db.Database.SqlQuery<Guid>($"SELECT Id AS Value FROM TransactionSearch WHERE TransactionSearch MATCH {phrase}");
        }
        var pattern = LikePattern.Containing(fragment);
        return db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "TransactionSearch" WHERE "Text" LIKE {pattern} ESCAPE '\'""");
    }

    /// <summary>
    /// The matches in key order from the start, or beyond <paramref name="from"/>. The key's bound is written twice
    /// (inclusive, then exact with the id) so that both databases seek the index instead of filtering it.
    /// </summary>
    private static IQueryable<Transaction> Walk(IQueryable<Transaction> matches, TransactionSort sort, bool ascending, TransactionRow? from) => sort switch
    {
        TransactionSort.OrderNumber => Walk(matches, t => t.OrderNumber, from?.OrderNumber, ascending, from?.Id),
        TransactionSort.Amount => Walk(matches, t => t.AuthorizedAmount, from?.AuthorizedAmount ?? 0, ascending, from?.Id),
        TransactionSort.Expires => Walk(matches, t => t.ExpiresAt, from?.ExpiresAt ?? default, ascending, from?.Id),
        _ => Walk(matches, t => t.CreatedAt, from?.CreatedAt ?? default, ascending, from?.Id),
    };

    private static IQueryable<Transaction> Walk<TKey>(IQueryable<Transaction> matches, Expression<Func<Transaction, TKey>> key, TKey? bound, bool ascending, Guid? beyond)
    {
        if (beyond is { } id)
        {
            var row = key.Parameters[0];
            var value = Captured(bound);
            var lastId = Captured(id);
            var rowId = Expression.Property(row, nameof(Transaction.Id));
            var (outer, inner) = ascending ? (ExpressionType.GreaterThanOrEqual, ExpressionType.GreaterThan) : (ExpressionType.LessThanOrEqual, ExpressionType.LessThan);
            var condition = Expression.AndAlso(
                Compare(key.Body, value, outer),
                Expression.OrElse(Compare(key.Body, value, inner), Expression.AndAlso(Expression.Equal(key.Body, value), Compare(rowId, lastId, inner))));
            matches = matches.Where(Expression.Lambda<Func<Transaction, bool>>(condition, row));
        }
        return ascending ? matches.OrderBy(key).ThenBy(t => t.Id) : matches.OrderByDescending(key).ThenByDescending(t => t.Id);
    }

    /// <summary>A comparison EF translates for every key type: strings and ids through their Compare methods.</summary>
    private static BinaryExpression Compare(Expression left, Expression right, ExpressionType comparison)
    {
        if (left.Type == typeof(string))
            left = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, left, right);
        else if (left.Type == typeof(Guid))
            left = Expression.Call(left, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, right);
        else
            return Expression.MakeBinary(comparison, left, right);
        return Expression.MakeBinary(comparison, left, Expression.Constant(0));
    }

    /// <summary>The value as a closure member, so EF sends it as a parameter and reuses the plan.</summary>
    private static MemberExpression Captured<T>(T value) => Expression.Property(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private sealed record Box<T>(T Value);

    private static IQueryable<TransactionRow> Rows(BackOfficeDbContext db, IQueryable<Transaction> ordered) =>
        ordered.Select(t => new TransactionRow
        {
            Id = t.Id, OrderNumber = t.OrderNumber, Reference = t.Reference,
            Channel = db.Channels.Where(c => c.Id == t.ChannelId).Select(c => c.Code).First(), Service = t.Service,
            Environment = t.Environment, State = t.State, Currency = t.Currency, AuthorizedAmount = t.AuthorizedAmount,
            ReservedAmount = t.ReservedAmount, CapturedAmount = t.CapturedAmount, RefundedAmount = t.RefundedAmount,
            CustomerName = t.Customer.Name, CustomerEmail = t.Customer.Email, CreatedAt = t.CreatedAt, ExpiresAt = t.ExpiresAt,
        });
}
