using Cronos;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Jobs;

/// <summary>A recurring job's settings, kept in the database so they survive restarts (Hangfire's in-memory storage forgets).</summary>
public sealed class JobSettings
{
    public const string CheckOrderStatus = "KlarnaCheckOrderStatus";

    private JobSettings()
    {
    }

    public JobSettings(string id) => Id = id;

    public JobSettings(string id, bool enabled, string cron)
    {
        if (CronError(cron) is { } error)
            throw new BusinessRuleException(error);
        (Id, Enabled, Cron) = (id, enabled, cron);
    }

    public string Id { get; private set; } = "";

    /// <summary>Off unless the job's defaults say otherwise (the status poll is off by default, as in the seed connector).</summary>
    public bool Enabled { get; private set; }

    public string Cron { get; private set; } = "*/5 * * * *";

    public int Parallelism { get; private set; } = 8;

    public int CallTimeoutSeconds { get; private set; } = 10;

    public DateTimeOffset? UpdatedAt { get; private set; }

    public string? UpdatedBy { get; private set; }

    /// <summary>Why a cron expression is not one (5 fields, or 6 with seconds), or null.</summary>
    public static Message? CronError(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
            return new("Enter a cron expression, e.g. */5 * * * * for every five minutes.");
        try
        {
            CronExpression.Parse(cron.Trim(), cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return null;
        }
        catch (CronFormatException e)
        {
            return new("'{0}' is not a cron expression: {1}", cron, e.Message);
        }
    }

    public static Message? ParallelismError(int parallelism) => parallelism is < 1 or > 64 ? new("Parallelism is between 1 and 64.") : null;

    public static Message? TimeoutError(int seconds) => seconds is < 1 or > 120 ? new("The per-call timeout is between 1 and 120 seconds.") : null;

    /// <summary>Applies new settings and answers what changed, in words.</summary>
    public IReadOnlyList<Message> Change(bool enabled, string cron, int parallelism, int callTimeoutSeconds, string by, DateTimeOffset at)
    {
        if ((CronError(cron) ?? ParallelismError(parallelism) ?? TimeoutError(callTimeoutSeconds)) is { } error)
            throw new BusinessRuleException(error);
        var changes = new List<Message>();
        if (enabled != Enabled)
            changes.Add(new(enabled ? "Enabled" : "Disabled"));
        if (cron.Trim() != Cron)
            changes.Add(new("cron {0} → {1}", Cron, cron.Trim()));
        if (parallelism != Parallelism)
            changes.Add(new("parallelism {0} → {1}", Parallelism, parallelism));
        if (callTimeoutSeconds != CallTimeoutSeconds)
            changes.Add(new("per-call timeout {0} s → {1} s", CallTimeoutSeconds, callTimeoutSeconds));
        (Enabled, Cron, Parallelism, CallTimeoutSeconds, UpdatedBy, UpdatedAt) = (enabled, cron.Trim(), parallelism, callTimeoutSeconds, by, at);
        return changes;
    }

    public DateTimeOffset? NextRun(DateTimeOffset after)
    {
        var format = Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return Enabled ? CronExpression.Parse(Cron, format).GetNextOccurrence(after, TimeZoneInfo.Utc) : null;
    }
}

/// <summary>What one run of a job did.</summary>
public sealed class JobRun
{
    private JobRun()
    {
    }

    public JobRun(string jobId, string trigger, DateTimeOffset startedAt) => (JobId, Trigger, StartedAt) = (jobId, trigger, startedAt);

    public long Id { get; private set; }
    public string JobId { get; private set; } = "";
    public string Trigger { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public int Checked { get; private set; }
    public int Changed { get; private set; }
    public int Failed { get; private set; }
    public string Errors { get; private set; } = "";

    public TimeSpan? Duration => EndedAt - StartedAt;

    /// <summary>The transactions the run changed or failed to check, saved with the run.</summary>
    public List<JobRunChange> Changes { get; private set; } = [];

    public void End(DateTimeOffset at, int checkedCount, int changed, int failed, IEnumerable<string> firstErrors, IEnumerable<JobRunChange> changes)
    {
        (EndedAt, Checked, Changed, Failed, Errors) = (at, checkedCount, changed, failed, string.Join("\n", firstErrors));
        Changes = [.. changes];
    }
}

/// <summary>One transaction a run changed ("Pending → Authorized") or could not check (<see cref="Failed"/>).</summary>
public sealed class JobRunChange
{
    private JobRunChange()
    {
    }

    public JobRunChange(Guid transactionId, string orderNumber, Message what, bool failed) =>
        (TransactionId, OrderNumber, What, Failed) = (transactionId, orderNumber, what.ToJson().Length > 1000 ? new Message(Shortened(what.ToString())) : what, failed);

    private static string Shortened(string text) => text.Length > 500 ? text[..500] : text;

    public long Id { get; private set; }
    public long JobRunId { get; private set; }
    public Guid TransactionId { get; private set; }
    public string OrderNumber { get; private set; } = "";
    public Message What { get; private set; } = new("");
    public bool Failed { get; private set; }
}

/// <summary>Who runs a job now. One row per job; taken with a conditional update, so only one instance wins.</summary>
public sealed class JobLease
{
    private JobLease()
    {
    }

    public JobLease(string id) => Id = id;

    public string Id { get; private set; } = "";
    public string? Holder { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
}

/// <summary>How <see cref="JobSettings"/> is kept.</summary>
internal sealed class JobSettingsConfiguration : IEntityTypeConfiguration<JobSettings>
{
    public void Configure(EntityTypeBuilder<JobSettings> settings)
    {
        settings.Property(s => s.Id).HasMaxLength(100);
        settings.Property(s => s.Cron).HasMaxLength(100);
        settings.Property(s => s.UpdatedBy).HasMaxLength(256);
    }
}

/// <summary>How <see cref="JobLease"/> is kept.</summary>
internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> lease)
    {
        lease.Property(l => l.Id).HasMaxLength(100);
        lease.Property(l => l.Holder).HasMaxLength(200);
    }
}

/// <summary>How <see cref="JobRun"/> is kept.</summary>
internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> run)
    {
        run.HasIndex(r => new { r.JobId, r.StartedAt });
        run.Property(r => r.JobId).HasMaxLength(100);
        run.Property(r => r.Trigger).HasMaxLength(20);
        run.Property(r => r.Errors).HasMaxLength(4000);
        run.Ignore(r => r.Duration);
        run.HasMany(r => r.Changes).WithOne().HasForeignKey(c => c.JobRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How <see cref="JobRunChange"/> is kept.</summary>
internal sealed class JobRunChangeConfiguration : IEntityTypeConfiguration<JobRunChange>
{
    public void Configure(EntityTypeBuilder<JobRunChange> change)
    {
        change.Property(c => c.OrderNumber).HasMaxLength(100);
        change.Property(c => c.What).HasMaxLength(1000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
    }
}
