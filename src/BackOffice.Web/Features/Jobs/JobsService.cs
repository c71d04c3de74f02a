using System.Globalization;
using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>The Jobs page: every module's recurring job, and the delayed cancellations waiting.</summary>
public sealed record JobsOverview(IReadOnlyList<JobOverview> Jobs, IReadOnlyList<WaitingCancellation> Waiting)
{
    public JobOverview Job(string id) => Jobs.Single(j => j.Id == id);
}

/// <summary>One recurring job: what it does, its settings, when it runs next and its latest runs.</summary>
public sealed record JobOverview(string Id, Message Description, bool ListsTransactions, JobSettings Settings, DateTimeOffset? NextRun, IReadOnlyList<JobRun> Runs);

/// <summary>A pending order the job will cancel when it is due.</summary>
public sealed record WaitingCancellation(Guid Id, Guid TransactionId, string OrderNumber, string ChannelCode, long Amount, string Currency, DateTimeOffset DueAt);

/// <summary>The Jobs page's service: settings in the database, mirrored into Hangfire's schedule, and Run now.</summary>
public sealed class JobsService(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    IRecurringJobManager recurringJobs,
    IBackgroundJobClient jobs,
    IEnumerable<IRecurringJob> recurring,
    PendingCancellations cancellations,
    TimeProvider time)
{
    public const int RunsShown = 50;
    public const int WaitingShown = 200;

    public async Task<JobsOverview> OverviewAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var overviews = new List<JobOverview>();
        foreach (var job in recurring)
        {
            var settings = await SettingsAsync(db, job, cancellationToken);
            var runs = await db.JobRuns.AsNoTracking().Where(r => r.JobId == job.Id).OrderByDescending(r => r.Id).Take(RunsShown).ToListAsync(cancellationToken);
            overviews.Add(new JobOverview(job.Id, job.Description, job.ListsTransactions, settings, settings.NextRun(time.GetUtcNow()), runs));
        }
        var waiting = await (from c in db.PendingCancellations
                             where c.CompletedAt == null
                             join t in db.Transactions on c.TransactionId equals t.Id
                             join ch in db.Channels on t.ChannelId equals ch.Id
                             orderby c.DueAt
                             select new WaitingCancellation(c.Id, t.Id, t.OrderNumber, ch.Code, t.ReservedAmount, t.Currency, c.DueAt))
            .Take(WaitingShown).ToListAsync(cancellationToken);
        return new JobsOverview(overviews, waiting);
    }

    /// <summary>The transactions a run changed or could not check.</summary>
    public async Task<IReadOnlyList<JobRunChange>> ChangesAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.JobRunChanges.AsNoTracking().Where(c => c.JobRunId == runId).OrderBy(c => c.OrderNumber).ToListAsync(cancellationToken);
    }

    /// <summary>Makes a waiting cancellation due now and runs it at once.</summary>
    public async Task CancelNowAsync(ClaimsPrincipal user, Guid cancellationId) =>
        cancellations.Schedule(await ChangeWaitingAsync(user, cancellationId, "Pending cancellation run now", (c, now) => c.BringForward(now)));

    /// <summary>Takes a pending order out of the queue: the job will not cancel it.</summary>
    public Task SkipAsync(ClaimsPrincipal user, Guid cancellationId) =>
        ChangeWaitingAsync(user, cancellationId, "Pending cancellation skipped", (c, now) => c.Skip(now, user.Name()));

    private async Task<PendingCancellation> ChangeWaitingAsync(ClaimsPrincipal user, Guid cancellationId, string action, Action<PendingCancellation, DateTimeOffset> change)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var cancellation = await db.PendingCancellations.SingleOrDefaultAsync(c => c.Id == cancellationId)
            ?? throw new BusinessRuleException("This cancellation no longer exists.");
        var subject = await db.Transactions.Where(t => t.Id == cancellation.TransactionId).Select(t => t.OrderNumber + " (" + t.Reference + ")").SingleAsync();
        var wasDue = cancellation.DueAt;
        change(cancellation, time.GetUtcNow());
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Jobs", action, subject, new("Was due {0} UTC", wasDue.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))));
        await db.SaveChangesAsync();
        return cancellation;
    }

    public async Task<IReadOnlyList<Message>> SaveAsync(ClaimsPrincipal user, string jobId, bool enabled, string cron, int parallelism, int callTimeoutSeconds)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        var job = Find(jobId);
        await using var db = await databases.CreateDbContextAsync();
        var settings = await SettingsAsync(db, job, CancellationToken.None);
        var changes = settings.Change(enabled, cron, parallelism, callTimeoutSeconds, user.Name(), time.GetUtcNow());
        if (changes.Count == 0)
            return changes;
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Jobs", "Job settings saved", job.Id, Message.Join("; ", changes)));
        await db.SaveChangesAsync();
        Schedule(settings);
        return changes;
    }

    /// <summary>Enqueues a run at once, even while the schedule is off.</summary>
    public async Task<string> RunNowAsync(ClaimsPrincipal user, string jobId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        var job = Find(jobId);
        var id = jobs.Enqueue<RecurringJobRunner>(r => r.RunAsync(job.Id, "Manual", CancellationToken.None));
        await using var db = await databases.CreateDbContextAsync();
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Jobs", "Run now", job.Id, new("Hangfire job {0}", id)));
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Makes Hangfire's schedule match the stored settings (at start-up and after each change).</summary>
    public async Task ScheduleFromSettingsAsync()
    {
        await using var db = await databases.CreateDbContextAsync();
        foreach (var job in recurring)
            Schedule(await SettingsAsync(db, job, CancellationToken.None));
    }

    private IRecurringJob Find(string jobId) => recurring.SingleOrDefault(j => j.Id == jobId) ?? throw new BusinessRuleException("There is no job '{0}'.", jobId);

    private void Schedule(JobSettings settings)
    {
        var id = settings.Id;
        if (settings.Enabled)
            recurringJobs.AddOrUpdate<RecurringJobRunner>(id, r => r.RunAsync(id, "Schedule", CancellationToken.None), settings.Cron);
        else
            recurringJobs.RemoveIfExists(id);
    }

    private static async Task<JobSettings> SettingsAsync(BackOfficeDbContext db, IRecurringJob job, CancellationToken cancellationToken)
    {
        if (await db.JobSettings.FindAsync([job.Id], cancellationToken) is { } settings)
            return settings;
        settings = job.DefaultSettings();
        db.JobSettings.Add(settings);
        await db.SaveChangesAsync(cancellationToken);
        return settings;
    }
}
