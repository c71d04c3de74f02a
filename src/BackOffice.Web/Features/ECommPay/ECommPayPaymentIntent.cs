using System.Text.Json;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// A payment a shop started: its basket and customer, kept under the payment id the payment page was signed with,
/// because ECommPay's callback carries neither. The callback of a paid sale opens the transaction from it.
/// </summary>
public sealed class ECommPayPaymentIntent
{
    private ECommPayPaymentIntent()
    {
    }

    public ECommPayPaymentIntent(int channelId, string paymentId, string orderNumber, string currency, string country, IReadOnlyList<TransactionLine> lines,
        string firstName, string lastName, string email, DateTimeOffset createdAt) =>
        (ChannelId, PaymentId, OrderNumber, Currency, Country, Lines, FirstName, LastName, Email, CreatedAt) =
        (channelId, paymentId, orderNumber, currency, country, [.. lines], firstName, lastName, email, createdAt);

    public long Id { get; private set; }
    public int ChannelId { get; private set; }

    /// <summary>ECommPay's <c>payment_id</c>: ours, new for every attempt, so a customer who gives up can pay again.</summary>
    public string PaymentId { get; private set; } = "";

    public string OrderNumber { get; private set; } = "";
    public string Currency { get; private set; } = "";
    public string Country { get; private set; } = "";
    public List<TransactionLine> Lines { get; private set; } = [];
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string Email { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public long Amount => Lines.Sum(l => l.Total);

    public TransactionAddress Address => new(FirstName, LastName, "", "", "", "", "", Country, Email, "");
}

/// <summary>How <see cref="ECommPayPaymentIntent"/> is kept.</summary>
internal sealed class ECommPayPaymentIntentConfiguration : IEntityTypeConfiguration<ECommPayPaymentIntent>
{
    public void Configure(EntityTypeBuilder<ECommPayPaymentIntent> intent)
    {
        intent.ToTable("ECommPayPaymentIntents");
        intent.HasOne<Channel>().WithMany().HasForeignKey(i => i.ChannelId).OnDelete(DeleteBehavior.Cascade);
        intent.HasIndex(i => new { i.ChannelId, i.PaymentId }).IsUnique();
        intent.HasIndex(i => new { i.ChannelId, i.OrderNumber });
        intent.Property(i => i.PaymentId).HasMaxLength(64);
        intent.Property(i => i.OrderNumber).HasMaxLength(100);
        intent.Property(i => i.Currency).HasMaxLength(3);
        intent.Property(i => i.Country).HasMaxLength(2);
        intent.Property(i => i.FirstName).HasMaxLength(FieldRules.Name);
        intent.Property(i => i.LastName).HasMaxLength(FieldRules.Name);
        intent.Property(i => i.Email).HasMaxLength(FieldRules.Email);
        intent.Property(i => i.Lines).HasConversion(
            lines => JsonSerializer.Serialize(lines, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<List<TransactionLine>>(json, JsonSerializerOptions.Default) ?? new List<TransactionLine>(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<TransactionLine>>((a, b) => a!.SequenceEqual(b!), l => l.Count, l => l.ToList()));
        intent.Ignore(i => i.Amount).Ignore(i => i.Address);
    }
}

/// <summary>A callback taken, once per ECommPay operation and status: a repeat is answered 200 and changes nothing.</summary>
public sealed class ECommPayCallbackRecord
{
    private ECommPayCallbackRecord()
    {
    }

    public ECommPayCallbackRecord(int channelId, string paymentId, long operationId, string operationType, string status, DateTimeOffset receivedAt) =>
        (ChannelId, PaymentId, OperationId, OperationType, Status, ReceivedAt) = (channelId, paymentId, operationId, operationType, status, receivedAt);

    public long Id { get; private set; }
    public int ChannelId { get; private set; }
    public string PaymentId { get; private set; } = "";
    public long OperationId { get; private set; }
    public string OperationType { get; private set; } = "";
    public string Status { get; private set; } = "";
    public DateTimeOffset ReceivedAt { get; private set; }
}

/// <summary>How <see cref="ECommPayCallbackRecord"/> is kept.</summary>
internal sealed class ECommPayCallbackRecordConfiguration : IEntityTypeConfiguration<ECommPayCallbackRecord>
{
    public void Configure(EntityTypeBuilder<ECommPayCallbackRecord> record)
    {
        record.ToTable("ECommPayCallbacks");
        record.HasOne<Channel>().WithMany().HasForeignKey(r => r.ChannelId).OnDelete(DeleteBehavior.Cascade);
        record.HasIndex(r => new { r.ChannelId, r.OperationId, r.Status }).IsUnique();
        record.Property(r => r.PaymentId).HasMaxLength(64);
        record.Property(r => r.OperationType).HasMaxLength(20);
        record.Property(r => r.Status).HasMaxLength(40);
    }
}
