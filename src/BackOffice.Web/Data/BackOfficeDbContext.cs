using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackOffice.Web.Data;

/// <summary>
/// The app's database. Each provider has a sealed subtype (<see cref="SqliteBackOfficeDbContext"/>,
/// <see cref="PostgreSqlBackOfficeDbContext"/>) only so that each has its own set of migrations.
/// </summary>
public class BackOfficeDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Channel> Channels => Set<Channel>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Transaction> Transactions => Set<Transaction>();

    /// <summary>How many transactions each channel has (channels without any are left out).</summary>
    public Task<Dictionary<int, int>> TransactionsPerChannelAsync(CancellationToken cancellationToken = default) =>
        Transactions.GroupBy(t => t.ChannelId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<Operation> Operations => Set<Operation>();

    public DbSet<JobSettings> JobSettings => Set<JobSettings>();

    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<JobRunChange> JobRunChanges => Set<JobRunChange>();

    public DbSet<SavedView> SavedViews => Set<SavedView>();

    public DbSet<JobLease> JobLeases => Set<JobLease>();

    public DbSet<PendingCancellation> PendingCancellations => Set<PendingCancellation>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>Data Protection's key ring, shared by every app instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps DateTimeOffset as text, which it cannot order or compare; store UTC ticks instead.
        // PostgreSQL's timestamptz takes UTC only, and Klarna answers Stockholm time.
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        else
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        configurationBuilder.Properties<ServiceKind>().HaveConversion<ServiceKindConverter>().HaveMaxLength(ServiceKind.MaxLength);
        configurationBuilder.Properties<ProviderEnvironment>().HaveConversion<string>().HaveMaxLength(10);
        configurationBuilder.Properties<TransactionState>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationKind>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationState>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationScope>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<SplitState>().HaveConversion<string>().HaveMaxLength(20);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // The text index lives in a narrow table of its own, TransactionSearch (id and folded text), kept by triggers and
        // made in SQL by a migration of each provider: on SQLite FTS5 with the trigram tokenizer ("Search"; a table rebuild
        // by a later migration would have to make it again), on PostgreSQL a pg_trgm GIN index ("SearchTable").
        if (Database.IsNpgsql())
            builder.HasPostgresExtension("pg_trgm");
        // Each entity's configuration lives beside it, a provider module's in its folder.
        builder.ApplyConfigurationsFromAssembly(typeof(BackOfficeDbContext).Assembly);
    }
}

/// <summary>Writes every DateTimeOffset as UTC.</summary>
internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);

public sealed class SqliteBackOfficeDbContext(DbContextOptions<SqliteBackOfficeDbContext> options) : BackOfficeDbContext(options);

public sealed class PostgreSqlBackOfficeDbContext(DbContextOptions<PostgreSqlBackOfficeDbContext> options) : BackOfficeDbContext(options);

/// <summary>A service is kept as its key.</summary>
internal sealed class ServiceKindConverter() : ValueConverter<ServiceKind, string>(k => k.Key, s => new ServiceKind(s));
