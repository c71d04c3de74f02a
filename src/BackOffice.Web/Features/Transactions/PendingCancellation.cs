using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Transactions;

/// <summary>A pending reservation whose service declines pending orders: cancel it once due. Kept until done, so a restart loses none.</summary>
public sealed class PendingCancellation
{
    private PendingCancellation()
    {
    }

    public PendingCancellation(Guid transactionId, DateTimeOffset dueAt) => (TransactionId, DueAt) = (transactionId, dueAt);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TransactionId { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public string? Result { get; private set; }

    public void Complete(DateTimeOffset at, string result) => (CompletedAt, Result) = (at, result);

    /// <summary>Makes a waiting cancellation due now (an administrator's "Cancel now").</summary>
    public void BringForward(DateTimeOffset now)
    {
        if (CompletedAt is not null)
            throw new BusinessRuleException("This cancellation is no longer waiting: {0}", Result);
        DueAt = now;
    }

    /// <summary>An administrator decides the pending order is not to be cancelled by the job.</summary>
    public void Skip(DateTimeOffset now, string user)
    {
        if (CompletedAt is not null)
            throw new BusinessRuleException("This cancellation is no longer waiting: {0}", Result);
        Complete(now, $"Skipped by {user}");
    }
}

/// <summary>A pending order was stored with a cancellation due later; the jobs schedule it.</summary>
public sealed record PendingDeclineDue(PendingCancellation Cancellation);

/// <summary>How <see cref="PendingCancellation"/> is kept.</summary>
internal sealed class PendingCancellationConfiguration : IEntityTypeConfiguration<PendingCancellation>
{
    public void Configure(EntityTypeBuilder<PendingCancellation> cancellation)
    {
        cancellation.HasOne<Transaction>().WithMany().HasForeignKey(c => c.TransactionId).OnDelete(DeleteBehavior.Restrict);
        cancellation.HasIndex(c => c.CompletedAt);
        cancellation.Property(c => c.Result).HasMaxLength(1000);
    }
}
