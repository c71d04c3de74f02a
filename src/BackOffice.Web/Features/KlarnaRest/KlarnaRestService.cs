using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>What an administrator edits on a channel's Klarna Payments (direct) service; the password is replaced separately and never read back.</summary>
public sealed record KlarnaRestServiceSettings(bool Enabled, string? Username, KlarnaRegion Region, bool UseLive, string? BaseUrl);

/// <summary>The outcome of the last check of the service's credentials, and for which.</summary>
public sealed record KlarnaRestInitialization(DateTimeOffset At, string By, bool Live, KlarnaRegion Region, string Username, bool Succeeded, Message Message);

/// <summary>
/// A channel's Klarna Payments through Klarna's own REST platform: the API username and password of its merchant
/// (the password encrypted like the other providers' secrets), the region whose hosts serve it, playground or live.
/// </summary>
public sealed class KlarnaRestService
{
    public const int UsernameMaxLength = 100;

    private KlarnaRestService()
    {
    }

    public KlarnaRestService(int channelId) => ChannelId = channelId;

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public bool Enabled { get; private set; }

    /// <summary>The API username (Klarna's merchant portal issues it with the password).</summary>
    public string? Username { get; private set; }

    /// <summary>The API password, encrypted with ASP.NET Core Data Protection.</summary>
    public string? ProtectedPassword { get; private set; }

    public KlarnaRegion Region { get; private set; }

    /// <summary>Klarna's live hosts rather than the playground.</summary>
    public bool UseLive { get; private set; }

    /// <summary>An address other than Klarna's host for the region (a proxy, or a sandbox).</summary>
    public string? BaseUrl { get; private set; }

    public KlarnaRestInitialization? LastInitialization { get; private set; }

    public Guid Version { get; private set; } = Guid.NewGuid();

    public bool HasPassword => ProtectedPassword is not null;

    public ProviderEnvironment Environment => UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test;

    public KlarnaRestServiceSettings Settings => new(Enabled, Username, Region, UseLive, BaseUrl);

    /// <summary>Why the shop may not use the service: off, or live without a successful check of these credentials. Null when ready.</summary>
    public Message? NotReadyForShop =>
        !Enabled ? new("Klarna Payments (direct) is not enabled.")
        : !UseLive || LastInitialization is { Succeeded: true, Live: true } last && last.Username == Username && last.Region == Region ? null
        : new("Klarna Payments (direct) is set to live ({0}) but its credentials have not been checked for it; an administrator initializes it on the channel page.", Username);

    /// <summary>Applies new settings and a new password (when given); answers what changed, in words, without the password.</summary>
    public IReadOnlyList<Message> Configure(KlarnaRestServiceSettings settings, string? newProtectedPassword)
    {
        var username = settings.Username?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        var baseUrl = settings.BaseUrl?.Trim() is { Length: > 0 } url ? url : null;
        var error = UsernameError(username, settings.Enabled) ?? BaseUrlError(baseUrl)
            ?? (!Enum.IsDefined(settings.Region) ? new Message("Choose the region of the merchant's Klarna account: EU, NA or OC.") : null)
            ?? (settings.Enabled && !(HasPassword || newProtectedPassword is not null) ? new Message("An enabled service needs the API password.") : null);
        if (error is not null)
            throw new BusinessRuleException(error);

        var changes = new List<Message>();
        SettingChanges.Add(changes, "Enabled", Enabled, settings.Enabled);
        SettingChanges.Add(changes, "API username", Username, username);
        SettingChanges.Add(changes, "Region", Region.ToString(), settings.Region.ToString());
        SettingChanges.Add(changes, "Live", UseLive, settings.UseLive);
        SettingChanges.Add(changes, "Klarna address", BaseUrl, baseUrl);
        if (newProtectedPassword is not null)
            changes.Add(new(HasPassword ? "API password replaced" : "API password set"));

        (Enabled, Username, Region, UseLive, BaseUrl) = (settings.Enabled, username, settings.Region, settings.UseLive, baseUrl);
        ProtectedPassword = newProtectedPassword ?? ProtectedPassword;
        if (changes.Count > 0)
            Version = Guid.NewGuid();
        return changes;
    }

    public void RecordInitialization(KlarnaRestInitialization initialization)
    {
        LastInitialization = initialization;
        Version = Guid.NewGuid();
    }

    public static Message? UsernameError(string? username, bool enabled) => username switch
    {
        null when enabled => new("An enabled service needs the API username."),
        { Length: > UsernameMaxLength } => new("An API username has at most {0} characters.", UsernameMaxLength),
        not null when username.Any(c => c is <= ' ' or > '~' or ':') => new("An API username has no spaces and no colon."),
        _ => null,
    };

    public static Message? BaseUrlError(string? baseUrl) =>
        baseUrl is { Length: > FieldRules.Address } ? new Message("A web address has at most {0} characters.", FieldRules.Address)
        : baseUrl is null || Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.UserInfo.Length == 0
            ? null
            : new Message("'{0}' is not a web address such as https://api.klarna.com/.", baseUrl);
}

/// <summary>How <see cref="KlarnaRestService"/> is kept.</summary>
internal sealed class KlarnaRestServiceConfiguration : IEntityTypeConfiguration<KlarnaRestService>
{
    public void Configure(EntityTypeBuilder<KlarnaRestService> service)
    {
        service.ToTable("KlarnaRestServices");
        service.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
        service.HasIndex(s => s.ChannelId).IsUnique();
        service.Property(s => s.Username).HasMaxLength(KlarnaRestService.UsernameMaxLength);
        service.Property(s => s.ProtectedPassword).HasMaxLength(2000);
        service.Property(s => s.Region).HasConversion<string>().HasMaxLength(2);
        service.Property(s => s.BaseUrl).HasMaxLength(500);
        service.Property(s => s.Version).IsConcurrencyToken();
        service.Ignore(s => s.Settings).Ignore(s => s.Environment);
        service.OwnsOne(s => s.LastInitialization, initialization =>
        {
            initialization.Property(i => i.By).HasMaxLength(256);
            initialization.Property(i => i.Username).HasMaxLength(KlarnaRestService.UsernameMaxLength);
            initialization.Property(i => i.Region).HasConversion<string>().HasMaxLength(2);
            initialization.Property(i => i.Message).HasMaxLength(2000).HasConversion(m => m.ToJson(), s => Message.FromJson(s));
        });
    }
}
