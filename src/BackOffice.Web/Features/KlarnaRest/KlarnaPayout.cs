using System.ComponentModel.DataAnnotations;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>How a line of a payout stands against the books.</summary>
public enum PayoutMatch
{
    /// <summary>A capture or refund the books have, for the same amount.</summary>
    Matched,

    /// <summary>A capture or refund the books have, for another amount.</summary>
    AmountDiffers,

    /// <summary>A capture or refund of an order the books do not have.</summary>
    [Display(Name = "Not in the books")]
    NotInBooks,

    /// <summary>Klarna's own line: a fee, a holdback, a correction.</summary>
    [Display(Name = "Klarna's own")]
    KlarnasOwn,
}

/// <summary>
/// One payout of Klarna's to a channel's merchant (Settlements API), as imported: its totals in minor units and the
/// lines it carries, each matched to the books. Kept once per payment reference; importing again changes nothing.
/// </summary>
public sealed class KlarnaPayout
{
    private KlarnaPayout()
    {
    }

    public KlarnaPayout(int channelId, string paymentReference, DateTimeOffset payoutDate, string currency, long saleAmount, long returnAmount, long feeAmount,
        long holdbackAmount, long settlementAmount, DateTimeOffset importedAt, IReadOnlyList<KlarnaPayoutLine> lines)
    {
        (ChannelId, PaymentReference, PayoutDate, Currency, SaleAmount, ReturnAmount, FeeAmount, HoldbackAmount, SettlementAmount, ImportedAt) =
            (channelId, paymentReference, payoutDate, currency, saleAmount, returnAmount, feeAmount, holdbackAmount, settlementAmount, importedAt);
        Lines = [.. lines];
    }

    public int Id { get; private set; }
    public int ChannelId { get; private set; }
    public string PaymentReference { get; private set; } = "";
    public DateTimeOffset PayoutDate { get; private set; }
    public string Currency { get; private set; } = "";
    public long SaleAmount { get; private set; }
    public long ReturnAmount { get; private set; }
    public long FeeAmount { get; private set; }
    public long HoldbackAmount { get; private set; }

    /// <summary>What reached the merchant's bank account.</summary>
    public long SettlementAmount { get; private set; }

    public DateTimeOffset ImportedAt { get; private set; }
    public List<KlarnaPayoutLine> Lines { get; private set; } = [];

    /// <summary>Lines that need a look: an amount that differs, or an order the books do not have.</summary>
    public int Mismatches => Lines.Count(l => l.Match is PayoutMatch.AmountDiffers or PayoutMatch.NotInBooks);
}

/// <summary>One line of a payout: a sale (a capture), a return (a refund) or Klarna's own (a fee…), and what the books say.</summary>
public sealed class KlarnaPayoutLine
{
    private KlarnaPayoutLine()
    {
    }

    public KlarnaPayoutLine(string type, long amount, string orderId, string? captureId, string? refundId, PayoutMatch match, Guid? transactionId) =>
        (Type, Amount, OrderId, CaptureId, RefundId, Match, TransactionId) = (type, amount, orderId, captureId, refundId, match, transactionId);

    public long Id { get; private set; }
    public int PayoutId { get; private set; }
    public string Type { get; private set; } = "";
    public long Amount { get; private set; }
    public string OrderId { get; private set; } = "";
    public string? CaptureId { get; private set; }
    public string? RefundId { get; private set; }
    public PayoutMatch Match { get; private set; }
    public Guid? TransactionId { get; private set; }
}

internal sealed class KlarnaPayoutConfiguration : IEntityTypeConfiguration<KlarnaPayout>
{
    public void Configure(EntityTypeBuilder<KlarnaPayout> payout)
    {
        payout.ToTable("KlarnaPayouts");
        payout.HasOne<Channel>().WithMany().HasForeignKey(p => p.ChannelId).OnDelete(DeleteBehavior.Restrict);
        payout.HasIndex(p => new { p.ChannelId, p.PaymentReference }).IsUnique();
        payout.HasIndex(p => new { p.ChannelId, p.PayoutDate });
        payout.Property(p => p.PaymentReference).HasMaxLength(64);
        payout.Property(p => p.Currency).HasMaxLength(3);
        payout.Ignore(p => p.Mismatches);
        payout.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.PayoutId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KlarnaPayoutLineConfiguration : IEntityTypeConfiguration<KlarnaPayoutLine>
{
    public void Configure(EntityTypeBuilder<KlarnaPayoutLine> line)
    {
        line.ToTable("KlarnaPayoutLines");
        line.HasIndex(l => l.CaptureId);
        line.HasIndex(l => l.RefundId);
        line.Property(l => l.Type).HasMaxLength(40);
        line.Property(l => l.OrderId).HasMaxLength(255);
        line.Property(l => l.CaptureId).HasMaxLength(255);
        line.Property(l => l.RefundId).HasMaxLength(255);
        line.Property(l => l.Match).HasConversion<string>().HasMaxLength(20);
    }
}
