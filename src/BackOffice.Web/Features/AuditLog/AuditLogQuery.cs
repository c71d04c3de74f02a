using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.AuditLog;

public sealed class AuditLogQuery(IDbContextFactory<BackOfficeDbContext> databases)
{
    /// <summary>One page of the log, newest first, optionally only entries whose text contains <paramref name="search"/>.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, int Total)> PageAsync(int page, int pageSize, string? search, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{search.Trim()}%";
            // SQLite's LIKE ignores case (ASCII); PostgreSQL's does not, ILIKE does.
            entries = db.Database.IsNpgsql()
                ? entries.Where(e => EF.Functions.ILike(e.User, pattern) || EF.Functions.ILike(e.Subject, pattern)
                    || EF.Functions.ILike(e.Action, pattern) || EF.Functions.ILike(e.Details, pattern))
                : entries.Where(e => EF.Functions.Like(e.User, pattern) || EF.Functions.Like(e.Subject, pattern)
                    || EF.Functions.Like(e.Action, pattern) || EF.Functions.Like(e.Details, pattern));
        }
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(e => e.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }
}
