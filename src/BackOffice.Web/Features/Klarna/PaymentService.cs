using System.ComponentModel.DataAnnotations;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Klarna;

public enum InvoiceShipment
{
    Mail,

    [Display(Name = "E-mail")]
    EMail,

    [Display(Name = "Klarna Mobile")]
    KlarnaMobile,
}

/// <summary>What an administrator edits on a service; the secret is replaced separately and never read back.</summary>
public sealed record PaymentServiceSettings(
    bool Enabled,
    int? MerchantId,
    bool UseLiveGateway,
    bool DeclinePendingOrders,
    bool ProhibitMultipleAddresses,
    InvoiceShipment InvoiceShipment);

/// <summary>A channel's settings of one legacy service (Invoice or Installments); one never saved is off, with no merchant.</summary>
public sealed class PaymentService
{
    private PaymentService()
    {
    }

    internal PaymentService(int channelId, ServiceKind kind) => (ChannelId, Kind) = (channelId, kind);

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public ServiceKind Kind { get; private set; }

    public bool Enabled { get; private set; }

    public int? MerchantId { get; private set; }

    /// <summary>The shared secret, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedSecret { get; private set; }

    public bool UseLiveGateway { get; private set; }

    public bool DeclinePendingOrders { get; private set; }

    public bool ProhibitMultipleAddresses { get; private set; }

    public InvoiceShipment InvoiceShipment { get; private set; }

    public ServiceInitialization? LastInitialization { get; private set; }

    /// <summary>Changes on every save, so two administrators cannot overwrite each other unknowingly.</summary>
    public Guid Version { get; private set; }

    public ProviderEnvironment Environment => UseLiveGateway ? ProviderEnvironment.Live : ProviderEnvironment.Test;

    public bool HasSecret => ProtectedSecret is not null;

    /// <summary>
    /// Why the shop may not use the service yet: a Live service must have been initialized successfully for its eid
    /// (the test gateway may be tried without). Null when ready.
    /// </summary>
    public Message? NotReadyForShop =>
        Environment == ProviderEnvironment.Test || LastInitialization is { Succeeded: true } last && last.Environment == Environment && last.MerchantId == MerchantId
            ? null
            : new("{0} is set to Live (eid {1}) but has not been initialized for it; an administrator initializes it on the channel page.", Kind, MerchantId);

    public PaymentServiceSettings Settings => new(Enabled, MerchantId, UseLiveGateway, DeclinePendingOrders, ProhibitMultipleAddresses, InvoiceShipment);

    /// <summary>Applies new settings (and a new protected secret, if given); answers what changed, in words, without the secret.</summary>
    public IReadOnlyList<Message> Configure(PaymentServiceSettings settings, string? newProtectedSecret)
    {
        var error = MerchantIdError(settings.MerchantId, settings.Enabled) ?? SecretError(HasSecret || newProtectedSecret is not null, settings.Enabled);
        if (error is not null)
            throw new BusinessRuleException(error);

        var changes = new List<Message>();
        SettingChanges.Add(changes, "Enabled", Enabled, settings.Enabled);
        SettingChanges.Add(changes, "Merchant ID", MerchantId, settings.MerchantId);
        SettingChanges.Add(changes, "Use live gateway", UseLiveGateway, settings.UseLiveGateway);
        SettingChanges.Add(changes, "Decline pending orders", DeclinePendingOrders, settings.DeclinePendingOrders);
        SettingChanges.Add(changes, "Prohibit multiple addresses", ProhibitMultipleAddresses, settings.ProhibitMultipleAddresses);
        SettingChanges.Add(changes, "Invoice shipment", InvoiceShipment, settings.InvoiceShipment);
        if (newProtectedSecret is not null)
            changes.Add(new(HasSecret ? "Shared secret replaced" : "Shared secret set"));

        (Enabled, MerchantId, UseLiveGateway, DeclinePendingOrders, ProhibitMultipleAddresses, InvoiceShipment) =
            (settings.Enabled, settings.MerchantId, settings.UseLiveGateway, settings.DeclinePendingOrders, settings.ProhibitMultipleAddresses, settings.InvoiceShipment);
        ProtectedSecret = newProtectedSecret ?? ProtectedSecret;
        if (changes.Count > 0)
            Version = Guid.NewGuid();
        return changes;
    }

    public static Message? MerchantIdError(int? merchantId, bool enabled) => merchantId switch
    {
        <= 0 => new("The merchant ID is a positive whole number."),
        null when enabled => new("An enabled service needs a merchant ID."),
        _ => null,
    };

    public static Message? SecretError(bool hasSecret, bool enabled) =>
        enabled && !hasSecret ? new("An enabled service needs a shared secret.") : null;

    public void RecordInitialization(ServiceInitialization initialization)
    {
        LastInitialization = initialization;
        Version = Guid.NewGuid();
    }
}

/// <summary>The outcome of the last connector initialization of a service.</summary>
public sealed record ServiceInitialization(
    DateTimeOffset At,
    string By,
    ProviderEnvironment Environment,
    int MerchantId,
    bool Succeeded,
    int PClassCount,
    int FileCount,
    Message Message);

/// <summary>How <see cref="PaymentService"/> is kept.</summary>
internal sealed class PaymentServiceConfiguration : IEntityTypeConfiguration<PaymentService>
{
    public void Configure(EntityTypeBuilder<PaymentService> service)
    {
        service.ToTable("PaymentServices");
        service.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
        service.Property(s => s.InvoiceShipment).HasConversion<string>().HasMaxLength(20);
        service.HasIndex(s => new { s.ChannelId, s.Kind }).IsUnique();
        service.Property(s => s.ProtectedSecret).HasMaxLength(2000);
        service.Property(s => s.Version).IsConcurrencyToken();
        service.Ignore(s => s.Settings);
        service.OwnsOne(s => s.LastInitialization, initialization =>
        {
            initialization.Property(i => i.By).HasMaxLength(256);
            initialization.Property(i => i.Message).HasMaxLength(2000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
        });
    }
}
