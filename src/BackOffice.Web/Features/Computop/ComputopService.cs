using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Computop;

/// <summary>What an administrator edits on a channel's Computop service; the HMAC key and the Blowfish password are replaced separately and never read back.</summary>
public sealed record ComputopServiceSettings(bool Enabled, string? MerchantId, bool UseLive, string? BaseUrl);

/// <summary>The outcome of the last check of a Computop service's connection and credentials.</summary>
public sealed record ComputopInitialization(DateTimeOffset At, string By, bool Live, string MerchantId, bool Succeeded, Message Message);

/// <summary>
/// A channel's Klarna Payments through Computop Paygate: its merchant, the two secrets of its messages (encrypted like
/// the shared secret of the legacy services) and the Paygate it talks to.
/// </summary>
public sealed class ComputopService
{
    public const int MerchantIdMaxLength = 30;

    private ComputopService()
    {
    }

    public ComputopService(int channelId) => ChannelId = channelId;

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public bool Enabled { get; private set; }

    /// <summary>Computop's MerchantID.</summary>
    public string? MerchantId { get; private set; }

    /// <summary>The key of the HMAC-SHA256 MACs, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedHmacKey { get; private set; }

    /// <summary>The Blowfish password of the Data parameter, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedBlowfishPassword { get; private set; }

    /// <summary>Payments are real (Computop's live mode for this merchant) rather than tests.</summary>
    public bool UseLive { get; private set; }

    /// <summary>Paygate's address, when not the configured one (e.g. a white label such as Axepta's).</summary>
    public string? BaseUrl { get; private set; }

    public ComputopInitialization? LastInitialization { get; private set; }

    public Guid Version { get; private set; } = Guid.NewGuid();

    public bool HasHmacKey => ProtectedHmacKey is not null;

    public bool HasBlowfishPassword => ProtectedBlowfishPassword is not null;

    public ComputopServiceSettings Settings => new(Enabled, MerchantId, UseLive, BaseUrl);

    /// <summary>
    /// Why the shop may not use the service: it is off, or live without a successful check of this merchant. Null when ready.
    /// </summary>
    public Message? NotReadyForShop =>
        !Enabled ? new("Klarna Payments (Computop) is not enabled.")
        : !UseLive || LastInitialization is { Succeeded: true, Live: true } last && last.MerchantId == MerchantId ? null
        : new("Klarna Payments (Computop) is set to live (MerchantID {0}) but its connection has not been checked for it; an administrator initializes it on the channel page.", MerchantId);

    /// <summary>Applies new settings and secrets (each when given); answers what changed, in words, without the secrets.</summary>
    public IReadOnlyList<Message> Configure(ComputopServiceSettings settings, string? newProtectedHmacKey, string? newProtectedBlowfishPassword)
    {
        var merchantId = settings.MerchantId?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        var baseUrl = settings.BaseUrl?.Trim() is { Length: > 0 } url ? url : null;
        var error = MerchantIdError(merchantId, settings.Enabled) ?? BaseUrlError(baseUrl)
            ?? (settings.Enabled && !(HasHmacKey || newProtectedHmacKey is not null) ? new Message("An enabled service needs the HMAC key.") : null)
            ?? (settings.Enabled && !(HasBlowfishPassword || newProtectedBlowfishPassword is not null) ? new Message("An enabled service needs the Blowfish password.") : null);
        if (error is not null)
            throw new BusinessRuleException(error);

        var changes = new List<Message>();
        SettingChanges.Add(changes, "Enabled", Enabled, settings.Enabled);
        SettingChanges.Add(changes, "Merchant ID", MerchantId, merchantId);
        SettingChanges.Add(changes, "Live", UseLive, settings.UseLive);
        SettingChanges.Add(changes, "Paygate address", BaseUrl, baseUrl);
        if (newProtectedHmacKey is not null)
            changes.Add(new(HasHmacKey ? "HMAC key replaced" : "HMAC key set"));
        if (newProtectedBlowfishPassword is not null)
            changes.Add(new(HasBlowfishPassword ? "Blowfish password replaced" : "Blowfish password set"));

        (Enabled, MerchantId, UseLive, BaseUrl) = (settings.Enabled, merchantId, settings.UseLive, baseUrl);
        ProtectedHmacKey = newProtectedHmacKey ?? ProtectedHmacKey;
        ProtectedBlowfishPassword = newProtectedBlowfishPassword ?? ProtectedBlowfishPassword;
        if (changes.Count > 0)
            Version = Guid.NewGuid();
        return changes;
    }

    public void RecordInitialization(ComputopInitialization initialization)
    {
        LastInitialization = initialization;
        Version = Guid.NewGuid();
    }

    /// <summary>Paygate's MerchantID: ans..30, no spaces (it travels in the clear and inside the MAC).</summary>
    public static Message? MerchantIdError(string? merchantId, bool enabled) => merchantId switch
    {
        null when enabled => new("An enabled service needs a merchant ID."),
        { Length: > MerchantIdMaxLength } => new("A Computop merchant ID has at most {0} characters.", MerchantIdMaxLength),
        not null when merchantId.Any(c => c is <= ' ' or > '~' or '&' or '=' or '*') => new("A Computop merchant ID has only letters, digits and signs such as _ and -."),
        _ => null,
    };

    public static Message? BaseUrlError(string? baseUrl) =>
        baseUrl is { Length: > FieldRules.Address } ? new Message("A web address has at most {0} characters.", FieldRules.Address)
        : baseUrl is null || Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : new Message("'{0}' is not a web address such as https://www.computop-paygate.com/.", baseUrl);
}

/// <summary>How <see cref="ComputopService"/> is kept.</summary>
internal sealed class ComputopServiceConfiguration : IEntityTypeConfiguration<ComputopService>
{
    public void Configure(EntityTypeBuilder<ComputopService> service)
    {
        service.ToTable("ComputopServices");
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
    }
}
