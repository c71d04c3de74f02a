using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Computop;

public enum ComputopBatchState
{
    /// <summary>Collecting queued actions.</summary>
    Open,

    /// <summary>Written to a file for Computop's batch manager; its response is awaited.</summary>
    Exported,

    /// <summary>Its response was imported: each of its actions is settled.</summary>
    Settled,
}

/// <summary>
/// One batch file of a channel's merchant: the actions queued in it (their operations name it), the file as exported,
/// and when its response settled them. A file is exported once and answered once.
/// </summary>
public sealed class ComputopBatch
{
    private ComputopBatch()
    {
    }

    public ComputopBatch(int channelId, string merchantId, DateTimeOffset openedAt) => (ChannelId, MerchantId, OpenedAt) = (channelId, merchantId, openedAt);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public string MerchantId { get; private set; } = "";
    public ComputopBatchState State { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }
    public string? FileName { get; private set; }

    /// <summary>The file as exported: downloaded again, and what its response is held against.</summary>
    public string? FileText { get; private set; }

    public DateTimeOffset? ExportedAt { get; private set; }
    public string? ExportedBy { get; private set; }
    public int RecordCount { get; private set; }
    public long Sum { get; private set; }
    public DateTimeOffset? SettledAt { get; private set; }
    public string? SettledBy { get; private set; }

    /// <summary>Changes with every state change: two people exporting or importing at once cannot both succeed.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    public void Export(string fileName, string fileText, int recordCount, long sum, DateTimeOffset at, string by)
    {
        if (State != ComputopBatchState.Open)
            throw new BusinessRuleException("Batch {0} was exported already.", FileName);
        if (recordCount == 0)
            throw new BusinessRuleException("Nothing is queued for a batch file.");
        (FileName, FileText, RecordCount, Sum, ExportedAt, ExportedBy, State) = (fileName, fileText, recordCount, sum, at, by, ComputopBatchState.Exported);
        Version = Guid.NewGuid();
    }

    /// <summary>An action leaves the open batch: a file written from the batch as it was loses the version check.</summary>
    public void Withdraw()
    {
        if (State != ComputopBatchState.Open)
            throw new BusinessRuleException("Batch {0} was exported already: its actions wait for the response.", FileName);
        Version = Guid.NewGuid();
    }

    public void Settle(DateTimeOffset at, string by)
    {
        if (State == ComputopBatchState.Settled)
            throw new BusinessRuleException("The response to {0} was imported already, on {1:yyyy-MM-dd HH:mm} UTC.", FileName, SettledAt!.Value.UtcDateTime);
        if (State != ComputopBatchState.Exported)
            throw new BusinessRuleException("This batch has not been exported yet.");
        (SettledAt, SettledBy, State) = (at, by, ComputopBatchState.Settled);
        Version = Guid.NewGuid();
    }
}

/// <summary>How <see cref="ComputopBatch"/> is kept.</summary>
internal sealed class ComputopBatchConfiguration : IEntityTypeConfiguration<ComputopBatch>
{
    public void Configure(EntityTypeBuilder<ComputopBatch> batch)
    {
        batch.ToTable("ComputopBatches");
        batch.HasOne<Channel>().WithMany().HasForeignKey(b => b.ChannelId).OnDelete(DeleteBehavior.Restrict);
        // An operation queued in a batch file points at it.
        batch.HasMany<Operation>().WithOne().HasForeignKey(o => o.BatchId).OnDelete(DeleteBehavior.Restrict);
        batch.HasIndex(b => new { b.ChannelId, b.State });
        batch.Property(b => b.MerchantId).HasMaxLength(ComputopService.MerchantIdMaxLength);
        batch.Property(b => b.FileName).HasMaxLength(100);
        batch.Property(b => b.ExportedBy).HasMaxLength(256);
        batch.Property(b => b.SettledBy).HasMaxLength(256);
        batch.Property(b => b.State).HasConversion<string>().HasMaxLength(20);
        batch.Property(b => b.Version).IsConcurrencyToken();
    }
}
