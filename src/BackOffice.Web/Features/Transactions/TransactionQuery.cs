using System.Globalization;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using CsvHelper;
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
    bool ExpiresSoon = false);

public enum TransactionSort
{
    Created,
    OrderNumber,
    Amount,
    State,
    Expires,
}

/// <summary>A list row; init properties (not a constructor) so the database can still filter and sort it.</summary>
public sealed record TransactionRow
{
    public Guid Id { get; init; }
    public string OrderNumber { get; init; } = "";
    public string ReservationNumber { get; init; } = "";
    public string Channel { get; init; } = "";
    public ServiceKind Service { get; init; }
    public KlarnaEnvironment Environment { get; init; }
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
    Transaction Transaction, string ChannelCode, IReadOnlyList<InvoiceView> Invoices, IReadOnlyList<Operation> Operations, string? ConfigurationChanged)
{
    /// <summary>The money action under way or of unknown outcome: while there is one, no other may start.</summary>
    public Operation? ActiveOperation => Operations.FirstOrDefault(o => o.Id == Transaction.ActiveOperationId);
}

/// <summary>The transaction list: filtering, sorting and paging happen in the database; the CSV streams every match.</summary>
public sealed class TransactionQuery(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time, Microsoft.Extensions.Options.IOptions<KlarnaOptions> klarna)
{
    public static readonly TimeSpan ExpiresSoonWindow = TimeSpan.FromDays(2);

    public async Task<(IReadOnlyList<TransactionRow> Rows, int Total)> PageAsync(
        TransactionSearch search, TransactionSort sort, bool descending, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = Rows(db, search);
        var total = await rows.CountAsync(cancellationToken);
        var items = await Sorted(rows, sort, descending).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
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
        var service = channel.Service(transaction.Service);
        var changed = service.MerchantId != transaction.MerchantId || service.Environment != transaction.Environment
            ? $"{ServiceNames.Of(transaction.Service)} of '{channel.Code}' is now eid {service.MerchantId?.ToString(CultureInfo.InvariantCulture) ?? "none"} ({service.Environment}); this transaction was made with eid {transaction.MerchantId} ({transaction.Environment}), which its actions keep using."
            : null;
        return new TransactionDetails(transaction, channel.Code,
            [.. invoices.Select(i => new InvoiceView(i, i.IsDownloadable(now) ? klarna.Value.InvoiceUrl(transaction.Environment, i.InvoiceNumber) : null))],
            operations, changed);
    }

    /// <summary>The transaction's version, which changes with every change: open pages compare it to reload.</summary>
    public async Task<Guid?> VersionAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Transactions.Where(t => t.Id == id).Select(t => (Guid?)t.Version).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Writes every matching transaction as CSV (amounts in major units, invariant culture), row by row.</summary>
    public async Task WriteCsvAsync(TransactionSearch search, Stream output, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // A customer name such as "=HYPERLINK(...)" must not become a formula in a spreadsheet.
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync(["OrderNumber", "ReservationNumber", "Channel", "Service", "Environment", "State", "Currency",
            "Authorized", "Reserved", "Captured", "Refunded", "CustomerName", "CustomerEmail", "CreatedAt", "ExpiresAt"], cancellationToken);
        await foreach (var row in Sorted(Rows(db, search), TransactionSort.Created, descending: true).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            string Major(long amount) => Money.ToMajor(amount, row.Currency).ToString(CultureInfo.InvariantCulture);
            await csv.WriteRecordAsync(
            [
                row.OrderNumber, row.ReservationNumber, row.Channel, row.Service.ToString(), row.Environment.ToString(), row.State.ToString(), row.Currency,
                Major(row.AuthorizedAmount), Major(row.ReservedAmount), Major(row.CapturedAmount), Major(row.RefundedAmount),
                row.CustomerName, row.CustomerEmail, row.CreatedAt.ToString("O", CultureInfo.InvariantCulture), row.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    private IQueryable<TransactionRow> Rows(BackOfficeDbContext db, TransactionSearch search)
    {
        var transactions = db.Transactions.AsNoTracking();
        if (search.Text?.Trim() is { Length: > 0 } text)
        {
            var pattern = $"%{text}%";
            transactions = transactions.Where(t => t.OrderNumber == text || t.ReservationNumber == text
                || EF.Functions.Like(t.OrderNumber, pattern) || EF.Functions.Like(t.Customer.Email, pattern) || EF.Functions.Like(t.Customer.Name, pattern)
                || db.Invoices.Any(i => i.TransactionId == t.Id && i.InvoiceNumber == text));
        }
        if (search.Service is { } service)
            transactions = transactions.Where(t => t.Service == service);
        if (search.State is { } state)
            transactions = transactions.Where(t => t.State == state);
        if (search.Currency is { Length: > 0 } currency)
            transactions = transactions.Where(t => t.Currency == currency);
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
        if (search.ExpiresSoon)
        {
            var soon = time.GetUtcNow().Add(ExpiresSoonWindow);
            transactions = transactions.Where(t => (t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured) && t.ExpiresAt <= soon);
        }
        var rows = from t in transactions
                   join c in db.Channels on t.ChannelId equals c.Id
                   select new TransactionRow
                   {
                       Id = t.Id, OrderNumber = t.OrderNumber, ReservationNumber = t.ReservationNumber, Channel = c.Code, Service = t.Service,
                       Environment = t.Environment, State = t.State, Currency = t.Currency, AuthorizedAmount = t.AuthorizedAmount,
                       ReservedAmount = t.ReservedAmount, CapturedAmount = t.CapturedAmount, RefundedAmount = t.RefundedAmount,
                       CustomerName = t.Customer.Name, CustomerEmail = t.Customer.Email, CreatedAt = t.CreatedAt, ExpiresAt = t.ExpiresAt,
                   };
        return search.ChannelCode is { Length: > 0 } code ? rows.Where(r => r.Channel == code) : rows;
    }

    private static IQueryable<TransactionRow> Sorted(IQueryable<TransactionRow> rows, TransactionSort sort, bool descending) => (sort, descending) switch
    {
        (TransactionSort.OrderNumber, false) => rows.OrderBy(r => r.OrderNumber),
        (TransactionSort.OrderNumber, true) => rows.OrderByDescending(r => r.OrderNumber),
        (TransactionSort.Amount, false) => rows.OrderBy(r => r.AuthorizedAmount),
        (TransactionSort.Amount, true) => rows.OrderByDescending(r => r.AuthorizedAmount),
        (TransactionSort.State, false) => rows.OrderBy(r => r.State),
        (TransactionSort.State, true) => rows.OrderByDescending(r => r.State),
        (TransactionSort.Expires, false) => rows.OrderBy(r => r.ExpiresAt),
        (TransactionSort.Expires, true) => rows.OrderByDescending(r => r.ExpiresAt),
        (_, false) => rows.OrderBy(r => r.CreatedAt),
        _ => rows.OrderByDescending(r => r.CreatedAt),
    };
}
