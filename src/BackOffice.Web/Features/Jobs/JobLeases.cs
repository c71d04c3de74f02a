using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// A lease per job in the database: one conditional update takes it, so of several app instances (and of two runs in
/// one) exactly one runs. An expired lease, left by a crashed run, can be taken again.
/// </summary>
public sealed class JobLeases(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time)
{
    public async Task<bool> TryAcquireAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.JobLeases.AnyAsync(l => l.Id == jobId, cancellationToken))
        {
            db.JobLeases.Add(new JobLease(jobId));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance created the row first; the update below decides who holds it.
            }
        }
        var now = time.GetUtcNow();
        var expires = now + duration;
        var taken = await db.JobLeases
            .Where(l => l.Id == jobId && (l.Holder == null || l.ExpiresAt < now))
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.Holder, holder).SetProperty(x => x.ExpiresAt, expires), cancellationToken);
        return taken == 1;
    }

    public async Task ReleaseAsync(string jobId, string holder)
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.JobLeases.Where(l => l.Id == jobId && l.Holder == holder).ExecuteUpdateAsync(l => l.SetProperty(x => x.Holder, (string?)null));
    }
}
