using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Klarna;
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

    public DbSet<PaymentService> PaymentServices => Set<PaymentService>();

    public DbSet<ComputopService> ComputopServices => Set<ComputopService>();

    public DbSet<ComputopNotification> ComputopNotifications => Set<ComputopNotification>();

    public DbSet<ComputopBatch> ComputopBatches => Set<ComputopBatch>();

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

    public DbSet<ReservationClaim> ReservationClaims => Set<ReservationClaim>();

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
        configurationBuilder.Properties<InvoiceShipment>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<ProviderEnvironment>().HaveConversion<string>().HaveMaxLength(10);
        configurationBuilder.Properties<TransactionState>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationKind>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationState>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<OperationScope>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<SplitState>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<ClaimState>().HaveConversion<string>().HaveMaxLength(20);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // The text index: pg_trgm on PostgreSQL (below); on SQLite an FTS5 trigram table kept by triggers, made by the
        // "Search" migration, which a table rebuild by a later migration would have to make again.
        if (Database.IsNpgsql())
            builder.HasPostgresExtension("pg_trgm");

        builder.Entity<ApplicationUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(100);
            user.Property(u => u.Language).HasMaxLength(8);
        });

        builder.Entity<Channel>(channel =>
        {
            channel.HasIndex(c => c.Code).IsUnique();
            channel.Property(c => c.Code).HasMaxLength(Channel.CodeMaxLength);
            channel.Property(c => c.Name).HasMaxLength(Channel.NameMaxLength);
            channel.HasMany(c => c.Services).WithOne().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
            channel.Navigation(c => c.Services).AutoInclude();
        });

        builder.Entity<PaymentService>(service =>
        {
            service.HasIndex(s => new { s.ChannelId, s.Kind }).IsUnique();
            service.Property(s => s.ProtectedSecret).HasMaxLength(2000);
            service.Property(s => s.Version).IsConcurrencyToken();
            service.Ignore(s => s.Settings);
            service.OwnsOne(s => s.LastInitialization, initialization =>
            {
                initialization.Property(i => i.By).HasMaxLength(256);
                initialization.Property(i => i.Message).HasMaxLength(2000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
            });
        });

        builder.Entity<ComputopService>(service =>
        {
            service.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
            service.HasIndex(s => s.ChannelId).IsUnique();
            service.Property(s => s.MerchantId).HasMaxLength(ComputopService.MerchantIdMaxLength);
            service.Property(s => s.ProtectedHmacKey).HasMaxLength(2000);
            service.Property(s => s.ProtectedBlowfishPassword).HasMaxLength(2000);
            service.Property(s => s.BaseUrl).HasMaxLength(500);
            service.Property(s => s.Version).IsConcurrencyToken();
            service.Ignore(s => s.Settings);
            service.OwnsOne(s => s.LastInitialization, initialization =>
            {
                initialization.Property(i => i.By).HasMaxLength(256);
                initialization.Property(i => i.MerchantId).HasMaxLength(ComputopService.MerchantIdMaxLength);
                initialization.Property(i => i.Message).HasMaxLength(2000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
            });
        });

        builder.Entity<ComputopNotification>(notification =>
        {
            notification.HasOne<Channel>().WithMany().HasForeignKey(n => n.ChannelId).OnDelete(DeleteBehavior.Cascade);
            notification.HasIndex(n => new { n.PayId, n.XId, n.Status, n.Code }).IsUnique();
            notification.Property(n => n.PayId).HasMaxLength(32);
            notification.Property(n => n.XId).HasMaxLength(32);
            notification.Property(n => n.TransId).HasMaxLength(64);
            notification.Property(n => n.Status).HasMaxLength(20);
            notification.Property(n => n.Code).HasMaxLength(8);
        });

        builder.Entity<ComputopBatch>(batch =>
        {
            batch.HasOne<Channel>().WithMany().HasForeignKey(b => b.ChannelId).OnDelete(DeleteBehavior.Restrict);
            batch.HasIndex(b => new { b.ChannelId, b.State });
            batch.Property(b => b.MerchantId).HasMaxLength(ComputopService.MerchantIdMaxLength);
            batch.Property(b => b.FileName).HasMaxLength(100);
            batch.Property(b => b.ExportedBy).HasMaxLength(256);
            batch.Property(b => b.SettledBy).HasMaxLength(256);
            batch.Property(b => b.State).HasConversion<string>().HasMaxLength(20);
            batch.Property(b => b.Version).IsConcurrencyToken();
        });

        builder.Entity<Transaction>(transaction =>
        {
            // A channel with transactions cannot be deleted; its money history stays.
            transaction.HasOne<Channel>().WithMany().HasForeignKey(t => t.ChannelId).OnDelete(DeleteBehavior.Restrict);
            transaction.HasIndex(t => new { t.ChannelId, t.OrderNumber }).IsUnique();
            // The list's seeks and sorts: exact identifiers, the default order (newest first) and the date filter,
            // the other sortable columns; Id breaks ties so that keyset paging is exact.
            transaction.HasIndex(t => t.OrderNumber);
            transaction.HasIndex(t => t.ReservationNumber);
            transaction.HasIndex(t => new { t.CreatedAt, t.Id });
            transaction.HasIndex(t => new { t.State, t.CreatedAt });
            transaction.HasIndex(t => t.AuthorizedAmount);
            transaction.HasIndex(t => t.ActiveOperationId);
            if (Database.IsNpgsql())
                transaction.HasIndex(t => t.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
            transaction.Property(t => t.OrderNumber).HasMaxLength(100);
            transaction.Property(t => t.ReservationNumber).HasMaxLength(40);
            transaction.Property(t => t.ProviderMerchantId).HasMaxLength(30);
            transaction.Property(t => t.ProviderOrderId).HasMaxLength(64);
            transaction.Ignore(t => t.Provider).Ignore(t => t.Capabilities);
            transaction.Property(t => t.Currency).HasMaxLength(3);
            transaction.Property(t => t.Country).HasMaxLength(2);
            transaction.Property(t => t.Version).IsConcurrencyToken();
            transaction.Property(t => t.LastPollResult).HasMaxLength(200);
            transaction.Ignore(t => t.RemainingAmount).Ignore(t => t.RefundableAmount).Ignore(t => t.OpenSplitAmount).Ignore(t => t.MainOpenAmount).Ignore(t => t.OpenSplits);
            // Values, not entities: billing and shipping may be the very same address.
            transaction.HasIndex(t => t.ExpiresAt);
            transaction.ComplexCollection(t => t.Lines, lines => lines.ToJson());
            transaction.ComplexCollection(t => t.Splits, splits => splits.ToJson());
            transaction.ComplexProperty(t => t.Customer, customer =>
            {
                customer.Property(c => c.Name).HasMaxLength(200);
                customer.Property(c => c.Email).HasMaxLength(256);
                customer.Property(c => c.MaskedPersonalNumber).HasMaxLength(40);
            });
            transaction.ComplexProperty(t => t.BillingAddress, address => address.ToJson());
            transaction.ComplexProperty(t => t.ShippingAddress, address => address.ToJson());
        });

        builder.Entity<Invoice>(invoice =>
        {
            invoice.HasOne<Transaction>().WithMany().HasForeignKey(i => i.TransactionId).OnDelete(DeleteBehavior.Restrict);
            invoice.HasIndex(i => i.InvoiceNumber).IsUnique();
            invoice.Property(i => i.InvoiceNumber).HasMaxLength(40);
            invoice.Property(i => i.Currency).HasMaxLength(3);
            invoice.Ignore(i => i.RefundableAmount);
            invoice.ComplexCollection(i => i.Lines, lines => lines.ToJson());
        });

        builder.Entity<Operation>(operation =>
        {
            operation.HasOne<Transaction>().WithMany().HasForeignKey(o => o.TransactionId).OnDelete(DeleteBehavior.Restrict);
            operation.HasIndex(o => new { o.TransactionId, o.RequestedAt });
            operation.HasIndex(o => o.State);
            operation.Property(o => o.Reason).HasMaxLength(500);
            operation.Property(o => o.User).HasMaxLength(256);
            operation.Property(o => o.FaultText).HasMaxLength(2000);
            operation.Property(o => o.Detail).HasMaxLength(1000).HasConversion(m => m!.ToJson(), s => Message.FromJson(s));
            operation.Property(o => o.InvoiceNumber).HasMaxLength(40);
            operation.Property(o => o.ReservationNumber).HasMaxLength(40);
            operation.Property(o => o.SplitReservationNumber).HasMaxLength(40);
            operation.Property(o => o.Change).HasMaxLength(4000);
            operation.Property(o => o.RequestId).HasMaxLength(32);
            operation.Property(o => o.ProviderReference).HasMaxLength(40);
            operation.HasOne<ComputopBatch>().WithMany().HasForeignKey(o => o.BatchId).OnDelete(DeleteBehavior.Restrict);
            // Two reconciliations sending a call again at once: the second one's save is refused.
            operation.Property(o => o.Sends).IsConcurrencyToken();
            operation.ComplexCollection(o => o.Lines, lines => lines.ToJson());
            operation.Ignore(o => o.Articles);
        });

        builder.Entity<JobSettings>(settings =>
        {
            settings.Property(s => s.Id).HasMaxLength(100);
            settings.Property(s => s.Cron).HasMaxLength(100);
            settings.Property(s => s.UpdatedBy).HasMaxLength(256);
        });
        builder.Entity<JobRun>(run =>
        {
            run.HasIndex(r => new { r.JobId, r.StartedAt });
            run.Property(r => r.JobId).HasMaxLength(100);
            run.Property(r => r.Trigger).HasMaxLength(20);
            run.Property(r => r.Errors).HasMaxLength(4000);
            run.Ignore(r => r.Duration);
            run.HasMany(r => r.Changes).WithOne().HasForeignKey(c => c.JobRunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<SavedView>(view =>
        {
            view.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
            view.Property(v => v.UserId).HasMaxLength(450);
            view.Property(v => v.Name).HasMaxLength(SavedView.NameLength);
            view.Property(v => v.Query).HasMaxLength(2000);
        });
        builder.Entity<JobRunChange>(change =>
        {
            change.Property(c => c.OrderNumber).HasMaxLength(100);
            change.Property(c => c.What).HasMaxLength(1000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
        });
        builder.Entity<JobLease>(lease =>
        {
            lease.Property(l => l.Id).HasMaxLength(100);
            lease.Property(l => l.Holder).HasMaxLength(200);
        });
        builder.Entity<PendingCancellation>(cancellation =>
        {
            cancellation.HasOne<Transaction>().WithMany().HasForeignKey(c => c.TransactionId).OnDelete(DeleteBehavior.Restrict);
            cancellation.HasIndex(c => c.CompletedAt);
            cancellation.Property(c => c.Result).HasMaxLength(1000);
        });

        builder.Entity<ApiKey>(key =>
        {
            key.HasOne<Channel>().WithMany().HasForeignKey(k => k.ChannelId).OnDelete(DeleteBehavior.Cascade);
            key.HasIndex(k => k.Hash).IsUnique();
            key.Property(k => k.Hash).HasMaxLength(64);
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Hint).HasMaxLength(20);
            key.Property(k => k.CreatedBy).HasMaxLength(256);
            key.Property(k => k.RevokedBy).HasMaxLength(256);
            key.Ignore(k => k.IsActive);
        });

        builder.Entity<ReservationClaim>(claim =>
        {
            claim.HasOne<Channel>().WithMany().HasForeignKey(r => r.ChannelId).OnDelete(DeleteBehavior.Restrict);
            claim.HasIndex(r => new { r.ChannelId, r.OrderNumber }).IsUnique();
            claim.Property(r => r.OrderNumber).HasMaxLength(100);
            claim.Property(r => r.Fingerprint).HasMaxLength(100);
            claim.Property(r => r.ReservationNumber).HasMaxLength(40);
            claim.Property(r => r.Body).HasMaxLength(4000);
        });

        builder.Entity<AuditEntry>(entry =>
        {
            entry.HasIndex(e => e.At);
            entry.Property(e => e.User).HasMaxLength(256);
            entry.Property(e => e.Area).HasMaxLength(40);
            entry.Property(e => e.Action).HasMaxLength(100);
            entry.Property(e => e.Subject).HasMaxLength(200);
            entry.Property(e => e.Details).HasMaxLength(4000);
            entry.Property(e => e.DetailsKey).HasMaxLength(1000);
            entry.Property(e => e.DetailsArguments).HasMaxLength(4000);
        });
    }
}

/// <summary>Writes every DateTimeOffset as UTC.</summary>
internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);

public sealed class SqliteBackOfficeDbContext(DbContextOptions<SqliteBackOfficeDbContext> options) : BackOfficeDbContext(options);

public sealed class PostgreSqlBackOfficeDbContext(DbContextOptions<PostgreSqlBackOfficeDbContext> options) : BackOfficeDbContext(options);

/// <summary>A service is kept as its key.</summary>
internal sealed class ServiceKindConverter() : ValueConverter<ServiceKind, string>(k => k.Key, s => new ServiceKind(s));
