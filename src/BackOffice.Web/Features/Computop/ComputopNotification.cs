using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// A notification Paygate delivered and the app took: Paygate repeats one until it is answered, so the same step
/// (PayID, XID, Status, Code) is taken once and later copies are only answered.
/// </summary>
public sealed class ComputopNotification
{
    private ComputopNotification()
    {
    }

    public ComputopNotification(int channelId, string payId, string xId, string transId, string status, string code, DateTimeOffset receivedAt) =>
        (ChannelId, PayId, XId, TransId, Status, Code, ReceivedAt) = (channelId, payId, xId, transId, status, code, receivedAt);

    public long Id { get; private set; }
    public int ChannelId { get; private set; }
    public string PayId { get; private set; } = "";
    public string XId { get; private set; } = "";
    public string TransId { get; private set; } = "";
    public string Status { get; private set; } = "";
    public string Code { get; private set; } = "";
    public DateTimeOffset ReceivedAt { get; private set; }
}

/// <summary>How <see cref="ComputopNotification"/> is kept.</summary>
internal sealed class ComputopNotificationConfiguration : IEntityTypeConfiguration<ComputopNotification>
{
    public void Configure(EntityTypeBuilder<ComputopNotification> notification)
    {
        notification.ToTable("ComputopNotifications");
        notification.HasOne<Channel>().WithMany().HasForeignKey(n => n.ChannelId).OnDelete(DeleteBehavior.Cascade);
        notification.HasIndex(n => new { n.PayId, n.XId, n.Status, n.Code }).IsUnique();
        notification.Property(n => n.PayId).HasMaxLength(32);
        notification.Property(n => n.XId).HasMaxLength(32);
        notification.Property(n => n.TransId).HasMaxLength(64);
        notification.Property(n => n.Status).HasMaxLength(20);
        notification.Property(n => n.Code).HasMaxLength(8);
    }
}
