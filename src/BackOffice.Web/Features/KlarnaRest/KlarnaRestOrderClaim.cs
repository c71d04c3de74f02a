using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// An order number a shop asked to place with Klarna, written before Klarna is called: a second request for it waits
/// on this row instead of placing a second order, and a request whose answer was lost is sent again with the same
/// authorization (Klarna places one order per authorization). It names the transaction once the books have it.
/// </summary>
public sealed class KlarnaRestOrderClaim
{
    private KlarnaRestOrderClaim()
    {
    }

    public KlarnaRestOrderClaim(int channelId, string orderNumber, string fingerprint, string authorizationToken, DateTimeOffset claimedAt) =>
        (ChannelId, OrderNumber, Fingerprint, AuthorizationToken, ClaimedAt) = (channelId, orderNumber, fingerprint, authorizationToken, claimedAt);

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public string OrderNumber { get; private set; } = "";

    /// <summary>The SHA-256 of the shop's request: only the same request may be sent again.</summary>
    public string Fingerprint { get; private set; } = "";

    public string AuthorizationToken { get; private set; } = "";

    public DateTimeOffset ClaimedAt { get; private set; }

    public Guid? TransactionId { get; private set; }

    public void Stored(Guid transactionId) => TransactionId = transactionId;
}

internal sealed class KlarnaRestOrderClaimConfiguration : IEntityTypeConfiguration<KlarnaRestOrderClaim>
{
    public void Configure(EntityTypeBuilder<KlarnaRestOrderClaim> claim)
    {
        claim.ToTable("KlarnaRestOrderClaims");
        claim.HasOne<Channel>().WithMany().HasForeignKey(c => c.ChannelId).OnDelete(DeleteBehavior.Cascade);
        claim.HasIndex(c => new { c.ChannelId, c.OrderNumber }).IsUnique();
        claim.Property(c => c.OrderNumber).HasMaxLength(100);
        claim.Property(c => c.Fingerprint).HasMaxLength(64);
        claim.Property(c => c.AuthorizationToken).HasMaxLength(255);
    }
}
