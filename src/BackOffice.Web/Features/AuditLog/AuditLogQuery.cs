using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.AuditLog;

/// <summary>Which entries: text anywhere, an area, a user (part of the name), a range of days (UTC, as the list's dates).</summary>
public sealed record AuditLogFilter(string? Text = null, string? Area = null, string? User = null, DateOnly? From = null, DateOnly? To = null);

public sealed class AuditLogQuery(IDbContextFactory<BackOfficeDbContext> databases)
{
    /// <summary>One page of the log, newest first, of the entries the filter lets through.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, int Total)> PageAsync(AuditLogFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var entries = Filter(db, filter);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(e => e.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>The areas the log has entries for, for the filter's choices.</summary>
    public async Task<IReadOnlyList<string>> AreasAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.Select(e => e.Area).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
    }

    /// <summary>Every entry the filter lets through as CSV, newest first, row by row (see <see cref="CsvFormat"/>).</summary>
    public async Task WriteCsvAsync(AuditLogFilter filter, Stream output, CsvFormat format, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var csv = await format.StartAsync(output, cancellationToken);
        await csv.WriteRecordAsync(["At", "User", "Area", "Action", "Subject", "Details", "Result"], cancellationToken);
        await foreach (var entry in Filter(db, filter).OrderByDescending(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync([CsvFormat.Time(entry.At), entry.User, entry.Area, entry.Action, entry.Subject, entry.Details,
                entry.Succeeded ? "succeeded" : "failed"], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    private static IQueryable<AuditEntry> Filter(BackOfficeDbContext db, AuditLogFilter filter)
    {
        var entries = db.AuditEntries.AsNoTracking();
        // SQLite's LIKE ignores case (ASCII); PostgreSQL's does not, ILIKE does.
        var npgsql = db.Database.IsNpgsql();
        if (filter.Text?.Trim() is { Length: > 0 } text)
        {
            var pattern = LikePattern.Containing(text);
            entries = npgsql
                ? entries.Where(e => EF.Functions.ILike(e.User, pattern, LikePattern.Escape) || EF.Functions.ILike(e.Subject, pattern, LikePattern.Escape)
                    || EF.Functions.ILike(e.Action, pattern, LikePattern.Escape) || EF.Functions.ILike(e.Details, pattern, LikePattern.Escape))
                : entries.Where(e => EF.Functions.Like(e.User, pattern, LikePattern.Escape) || EF.Functions.Like(e.Subject, pattern, LikePattern.Escape)
                    || EF.Functions.Like(e.Action, pattern, LikePattern.Escape) || EF.Functions.Like(e.Details, pattern, LikePattern.Escape));
        }
        if (filter.Area is { Length: > 0 } area)
            entries = entries.Where(e => e.Area == area);
        if (filter.User?.Trim() is { Length: > 0 } user)
        {
            var pattern = LikePattern.Containing(user);
            entries = npgsql ? entries.Where(e => EF.Functions.ILike(e.User, pattern, LikePattern.Escape)) : entries.Where(e => EF.Functions.Like(e.User, pattern, LikePattern.Escape));
        }
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At < end);
        }
        return entries;
    }

}
