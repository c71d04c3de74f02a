using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Klarna;

public enum ClaimState
{
    /// <summary>The first request is being handled; Klarna may be being called.</summary>
    InProgress,

    /// <summary>reserve_amount's answer never arrived: Klarna is asked by order number before anything is reserved again.</summary>
    Unknown,

    /// <summary>Klarna reserved (its answer is recorded here); the transaction may not be stored yet.</summary>
    Reserved,

    /// <summary>Klarna holds a reservation for the order whose answer was lost: it will not be reserved again.</summary>
    HeldAtKlarna,

    /// <summary>The answer was sent; the same request gets it again.</summary>
    Answered,
}

/// <summary>
/// The journal of one order's reservation, by channel and order number. Written before Klarna is called, so two copies
/// of one request cannot both reserve; Klarna's answer is recorded on it before the transaction is stored; an answer
/// that never arrived is settled from Klarna by order number before any new reserve_amount.
/// </summary>
public sealed class ReservationClaim
{
    private ReservationClaim()
    {
    }

    public ReservationClaim(int channelId, string orderNumber, string fingerprint, DateTimeOffset createdAt) =>
        (ChannelId, OrderNumber, Fingerprint, CreatedAt) = (channelId, orderNumber, fingerprint, createdAt);

    public long Id { get; private set; }
    public int ChannelId { get; private set; }
    public string OrderNumber { get; private set; } = "";

    /// <summary>SHA-256 of the request as received.</summary>
    public string Fingerprint { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public ClaimState State { get; private set; }

    /// <summary>What reserve_amount answered, once it did.</summary>
    public string? ReservationNumber { get; private set; }
    public int? KlarnaStatus { get; private set; }

    /// <summary>The answer the shop got.</summary>
    public int? Status { get; private set; }
    public string? Body { get; private set; }

    public void Reserved(string reservationNumber, int klarnaStatus) =>
        (State, ReservationNumber, KlarnaStatus) = (ClaimState.Reserved, reservationNumber, klarnaStatus);

    public void Lost() => State = ClaimState.Unknown;

    public void HeldAtKlarna() => State = ClaimState.HeldAtKlarna;

    public void Answer(int status, string body) => (State, Status, Body) = (ClaimState.Answered, status, body);
}

/// <summary>How <see cref="ReservationClaim"/> is kept.</summary>
internal sealed class ReservationClaimConfiguration : IEntityTypeConfiguration<ReservationClaim>
{
    public void Configure(EntityTypeBuilder<ReservationClaim> claim)
    {
        claim.ToTable("ReservationClaims");
        claim.HasOne<Channel>().WithMany().HasForeignKey(r => r.ChannelId).OnDelete(DeleteBehavior.Restrict);
        claim.HasIndex(r => new { r.ChannelId, r.OrderNumber }).IsUnique();
        claim.Property(r => r.OrderNumber).HasMaxLength(100);
        claim.Property(r => r.Fingerprint).HasMaxLength(100);
        claim.Property(r => r.ReservationNumber).HasMaxLength(40);
        claim.Property(r => r.Body).HasMaxLength(4000);
        claim.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
    }
}
