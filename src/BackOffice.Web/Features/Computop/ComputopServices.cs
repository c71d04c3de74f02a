using System.Security.Claims;
using BackOffice.Computop;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>A channel's Computop service as the page sees it: the secrets are only "set" or "not set".</summary>
public sealed record ComputopServiceView(ComputopServiceSettings Settings, bool HasHmacKey, bool HasBlowfishPassword, ComputopInitialization? LastInitialization, Guid Version)
{
    public static readonly ComputopServiceView None = new(new(false, null, false, null), false, false, null, Guid.Empty);

    public static ComputopServiceView Of(ComputopService service) =>
        new(service.Settings, service.HasHmacKey, service.HasBlowfishPassword, service.LastInitialization, service.Version);
}

/// <summary>
/// Administers a channel's Computop service: its settings and secrets (audited without them), and Initialize, which
/// proves the connection and the credentials with an inquiry about a payment that cannot exist: Paygate's "payment not
/// found" means the MerchantID, the Blowfish password and the HMAC key all worked.
/// </summary>
public sealed partial class ComputopServices(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    ComputopConnections connections,
    TimeProvider time,
    ILogger<ComputopServices> logger)
{
    private const string Area = "Channels";
    private const string NoSuchPayment = "00000000000000000000000000000000";

    public async Task<ComputopServiceView> FindAsync(string channelCode)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.ComputopServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync();
        return service is null ? ComputopServiceView.None : ComputopServiceView.Of(service);
    }

    /// <summary>Saves the settings; a secret given replaces the stored one. A change made meanwhile by someone else is refused, not overwritten.</summary>
    public async Task<IReadOnlyList<Message>> SaveAsync(ClaimsPrincipal user, string channelCode, ComputopServiceSettings settings, string? newHmacKey, string? newBlowfishPassword, Guid version)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        if (newHmacKey is not null && string.IsNullOrWhiteSpace(newHmacKey))
            throw new BusinessRuleException("An HMAC key cannot be blank.");
        if (newHmacKey?.Trim().Length > FieldRules.Secret)
            throw new BusinessRuleException("An HMAC key has at most {0} characters.", FieldRules.Secret);
        if (newBlowfishPassword is not null && PaygateCipher.PasswordError(newBlowfishPassword.Trim()) is { } passwordError)
            throw new BusinessRuleException("The Blowfish password is not one Paygate uses: {0}", passwordError);

        await using var db = await databases.CreateDbContextAsync();
        var channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);
        var service = await db.ComputopServices.SingleOrDefaultAsync(s => s.ChannelId == channelId);
        if ((service?.Version ?? Guid.Empty) != version)
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", Name, channelCode);
        if (service is null)
            db.ComputopServices.Add(service = new ComputopService(channelId));
        var changes = service.Configure(settings,
            newHmacKey is null ? null : connections.Protect(newHmacKey.Trim()), newBlowfishPassword is null ? null : connections.Protect(newBlowfishPassword.Trim()));
        if (changes.Count == 0)
            return changes;
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, "Service saved", $"{channelCode} / {Name}", Message.Join("; ", changes)));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", Name, channelCode);
        }
        return changes;
    }

    public async Task<ComputopInitialization> InitializeAsync(ClaimsPrincipal user, string channelCode, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.ComputopServices on c.Id equals s.ChannelId select s).SingleOrDefaultAsync(cancellationToken)
            ?? throw new BusinessRuleException("Set up {0} of '{1}' first.", Name, channelCode);
        var credentials = connections.Credentials(service);
        var (succeeded, message) = await CheckAsync(connections.ClientFor(service), credentials, cancellationToken);
        var initialization = new ComputopInitialization(time.GetUtcNow(), user.Name(), service.UseLive, credentials.MerchantId, succeeded, message);
        service.RecordInitialization(initialization);
        db.AuditEntries.Add(new AuditEntry(initialization.At, user.Name(), Area, "Initialized", $"{channelCode} / {Name}",
            new("MerchantID {0}, {1}: {2}", credentials.MerchantId, connections.BaseUrlOf(service), message), succeeded));
        await db.SaveChangesAsync(cancellationToken);
        LogInitialized(channelCode, credentials.MerchantId, succeeded, message.ToString());
        return initialization;
    }

    private static string Name => "Klarna Payments (Computop)";

    private static async Task<(bool, Message)> CheckAsync(ComputopClient client, PaygateCredentials credentials, CancellationToken cancellationToken)
    {
        PaygateAnswer answer;
        try
        {
            answer = await client.InquireAsync(credentials, NoSuchPayment, "backoffice-initialize", cancellationToken);
        }
        catch (ComputopUnavailableException e) when (e.InnerException is PaygateMessageException)
        {
            return (false, new Message("Paygate's answer cannot be read with this Blowfish password: check the password."));
        }
        catch (ComputopUnavailableException e)
        {
            return (false, new Message("Paygate could not be reached: {0}", e.InnerException?.Message ?? e.Message));
        }
        // Paygate read the request and looked for the payment: the MerchantID, the password and the MAC passed.
        if (answer.IsPaymentNotFound)
            return (true, new Message("Paygate answered for merchant {0}: the MerchantID, the Blowfish password and the HMAC key work.", credentials.MerchantId));
        return answer.Code switch
        {
            PaygateCodes.UnknownMerchant => (false, new Message("Paygate does not know the merchant {0}.", credentials.MerchantId)),
            PaygateCodes.DataBad => (false, new Message("Paygate could not read the request: check the Blowfish password.")),
            PaygateCodes.MacBad => (false, new Message("Paygate refused the MAC: check the HMAC key.")),
            _ => (false, new Message("Paygate answered {0} {1}.", answer.Code ?? "", answer.Description ?? "")),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Computop service of {Channel} (MerchantID {MerchantId}) initialized: {Succeeded}, {Message}")]
    private partial void LogInitialized(string channel, string merchantId, bool succeeded, string message);
}
