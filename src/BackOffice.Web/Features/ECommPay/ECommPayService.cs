using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>What an administrator edits on a channel's Klarna (Sofort) service; the secret key is replaced separately and never read back.</summary>
public sealed record ECommPayServiceSettings(bool Enabled, long? ProjectId, bool UseLive, string? BaseUrl, string? PaymentPageUrl);

/// <summary>The outcome of the last check of the service's project and key, and for which.</summary>
public sealed record ECommPayInitialization(DateTimeOffset At, string By, bool Live, long ProjectId, bool Succeeded, Message Message);

/// <summary>
/// A channel's Klarna (Sofort) through ECommPay: the project (test and live are separate projects, each with its own
/// id and secret key, the key encrypted like the other providers' secrets), and the addresses of ECommPay's Gate and
/// payment page when they are not ECommPay's own.
/// </summary>
public sealed class ECommPayService
{
    private ECommPayService()
    {
    }

    public ECommPayService(int channelId) => ChannelId = channelId;

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public bool Enabled { get; private set; }

    public long? ProjectId { get; private set; }

    /// <summary>The project's secret key, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedSecretKey { get; private set; }

    /// <summary>A live project rather than a test one: its payments are real.</summary>
    public bool UseLive { get; private set; }

    /// <summary>A Gate address other than ECommPay's (a proxy, or a sandbox).</summary>
    public string? BaseUrl { get; private set; }

    /// <summary>A payment page address other than ECommPay's.</summary>
    public string? PaymentPageUrl { get; private set; }

    public ECommPayInitialization? LastInitialization { get; private set; }

    public Guid Version { get; private set; } = Guid.NewGuid();

    public bool HasSecretKey => ProtectedSecretKey is not null;

    public ProviderEnvironment Environment => UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test;

    public ECommPayServiceSettings Settings => new(Enabled, ProjectId, UseLive, BaseUrl, PaymentPageUrl);

    /// <summary>Why the shop may not use the service: off, or live without a successful check of this project. Null when ready.</summary>
    public Message? NotReadyForShop =>
        !Enabled ? new("Klarna (Sofort) via ECommPay is not enabled.")
        : !UseLive || LastInitialization is { Succeeded: true, Live: true } last && last.ProjectId == ProjectId ? null
        : new("Klarna (Sofort) via ECommPay is set to live (project {0}) but has not been checked for it; an administrator initializes it on the channel page.", ProjectId ?? 0);

    /// <summary>Applies new settings and a new secret key (when given); answers what changed, in words, without the key.</summary>
    public IReadOnlyList<Message> Configure(ECommPayServiceSettings settings, string? newProtectedSecretKey)
    {
        var baseUrl = Trimmed(settings.BaseUrl);
        var pageUrl = Trimmed(settings.PaymentPageUrl);
        var error = ProjectIdError(settings.ProjectId, settings.Enabled) ?? AddressError(baseUrl) ?? AddressError(pageUrl)
            ?? (settings.Enabled && !(HasSecretKey || newProtectedSecretKey is not null) ? new Message("An enabled service needs the project's secret key.") : null);
        if (error is not null)
            throw new BusinessRuleException(error);

        var changes = new List<Message>();
        SettingChanges.Add(changes, "Enabled", Enabled, settings.Enabled);
        SettingChanges.Add(changes, "Project", ProjectId?.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.ProjectId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SettingChanges.Add(changes, "Live", UseLive, settings.UseLive);
        SettingChanges.Add(changes, "Gate address", BaseUrl, baseUrl);
        SettingChanges.Add(changes, "Payment page address", PaymentPageUrl, pageUrl);
        if (newProtectedSecretKey is not null)
            changes.Add(new(HasSecretKey ? "Secret key replaced" : "Secret key set"));

        (Enabled, ProjectId, UseLive, BaseUrl, PaymentPageUrl) = (settings.Enabled, settings.ProjectId, settings.UseLive, baseUrl, pageUrl);
        ProtectedSecretKey = newProtectedSecretKey ?? ProtectedSecretKey;
        if (changes.Count > 0)
            Version = Guid.NewGuid();
        return changes;
    }

    public void RecordInitialization(ECommPayInitialization initialization)
    {
        LastInitialization = initialization;
        Version = Guid.NewGuid();
    }

    public static Message? ProjectIdError(long? projectId, bool enabled) => projectId switch
    {
        null when enabled => new("An enabled service needs its ECommPay project id."),
        <= 0 => new("A project id is a positive number."),
        _ => null,
    };

    public static Message? AddressError(string? address) =>
        address is { Length: > FieldRules.Address } ? new Message("A web address has at most {0} characters.", FieldRules.Address)
        : address is null || Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : new Message("'{0}' is not a web address such as https://api.ecommpay.com/.", address);

    private static string? Trimmed(string? text) => text?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}

/// <summary>How <see cref="ECommPayService"/> is kept.</summary>
internal sealed class ECommPayServiceConfiguration : IEntityTypeConfiguration<ECommPayService>
{
    public void Configure(EntityTypeBuilder<ECommPayService> service)
    {
        service.ToTable("ECommPayServices");
        service.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
        service.HasIndex(s => s.ChannelId).IsUnique();
        service.Property(s => s.ProtectedSecretKey).HasMaxLength(2000);
        service.Property(s => s.BaseUrl).HasMaxLength(FieldRules.Address);
        service.Property(s => s.PaymentPageUrl).HasMaxLength(FieldRules.Address);
        service.Property(s => s.Version).IsConcurrencyToken();
        service.Ignore(s => s.Settings).Ignore(s => s.Environment);
        service.OwnsOne(s => s.LastInitialization, initialization =>
        {
            initialization.Property(i => i.By).HasMaxLength(256);
            initialization.Property(i => i.Message).HasMaxLength(2000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
        });
    }
}
