using System.Security.Claims;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>A channel's Klarna Payments (direct) service as a page sees it: the password is only "set" or "not set".</summary>
public sealed record KlarnaRestServiceView(KlarnaRestServiceSettings Settings, bool HasPassword, KlarnaRestInitialization? LastInitialization, Guid Version)
{
    public static readonly KlarnaRestServiceView None = new(new(false, null, KlarnaRegion.EU, false, null), false, null, Guid.Empty);

    public static KlarnaRestServiceView Of(KlarnaRestService service) => new(service.Settings, service.HasPassword, service.LastInitialization, service.Version);
}

/// <summary>
/// Administers a channel's Klarna Payments (direct) service: its settings and password (audited without it), and
/// Initialize, which proves the credentials by reading an order that cannot exist: Klarna's 404 for it means the
/// username and password were taken (a 401 says they were not).
/// </summary>
public sealed partial class KlarnaRestServices(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    KlarnaRestConnections connections,
    TimeProvider time,
    ILogger<KlarnaRestServices> logger)
{
    private const string Area = "Channels";
    private const string Name = "Klarna Payments (direct)";

    public async Task<KlarnaRestServiceView> FindAsync(string channelCode)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.KlarnaRestServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync();
        return service is null ? KlarnaRestServiceView.None : KlarnaRestServiceView.Of(service);
    }

    /// <summary>Saves the settings; a password given replaces the stored one. A change made meanwhile by someone else is refused, not overwritten.</summary>
    public async Task<IReadOnlyList<Message>> SaveAsync(ClaimsPrincipal user, string channelCode, KlarnaRestServiceSettings settings, string? newPassword, Guid version)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        if (newPassword is not null && string.IsNullOrWhiteSpace(newPassword))
            throw new BusinessRuleException("An API password cannot be blank.");
        if (newPassword?.Trim().Length > FieldRules.Secret)
            throw new BusinessRuleException("An API password has at most {0} characters.", FieldRules.Secret);

        await using var db = await databases.CreateDbContextAsync();
        var channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);
        var service = await db.KlarnaRestServices.SingleOrDefaultAsync(s => s.ChannelId == channelId);
        if ((service?.Version ?? Guid.Empty) != version)
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", Name, channelCode);
        if (service is null)
            db.KlarnaRestServices.Add(service = new KlarnaRestService(channelId));
        var changes = service.Configure(settings, newPassword is null ? null : connections.Protect(newPassword.Trim()));
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

    public async Task<KlarnaRestInitialization> InitializeAsync(ClaimsPrincipal user, string channelCode, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.KlarnaRestServices on c.Id equals s.ChannelId select s).SingleOrDefaultAsync(cancellationToken)
            ?? throw new BusinessRuleException("Set up {0} of '{1}' first.", Name, channelCode);
        var credentials = connections.Credentials(service);
        var (succeeded, message) = await CheckAsync(connections.Client(), credentials, cancellationToken);
        var initialization = new KlarnaRestInitialization(time.GetUtcNow(), user.Name(), service.UseLive, service.Region, credentials.Username, succeeded, message);
        service.RecordInitialization(initialization);
        db.AuditEntries.Add(new AuditEntry(initialization.At, user.Name(), Area, "Initialized", $"{channelCode} / {Name}",
            new("{0} at {1}: {2}", credentials.Username, credentials.BaseAddress, message), succeeded));
        await db.SaveChangesAsync(cancellationToken);
        LogInitialized(channelCode, credentials.Username, succeeded, message.ToString());
        return initialization;
    }

    private static async Task<(bool, Message)> CheckAsync(KlarnaRestClient client, KlarnaRestCredentials credentials, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetOrderAsync(credentials, Guid.Empty.ToString(), cancellationToken);
            return (true, new Message("Klarna took the credentials of {0}.", credentials.Username));
        }
        catch (KlarnaRestRefusedException e) when (e.Status == 404)
        {
            return (true, new Message("Klarna took the credentials of {0}: the order asked for as a test does not exist, as expected.", credentials.Username));
        }
        catch (KlarnaRestRefusedException e) when (e.Status is 401 or 403)
        {
            return (false, new Message("Klarna refused the username {0} and its password ({1}): check them, and the region and environment they belong to.", credentials.Username, e.Error.ErrorCode));
        }
        catch (KlarnaRestRefusedException e)
        {
            return (false, new Message("Klarna answered {0} {1}: {2}", e.Status, e.Error.ErrorCode, e.Error.Text));
        }
        catch (KlarnaRestException e)
        {
            return (false, new Message("Klarna could not be reached: {0}", e.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Klarna REST service of {Channel} ({Username}) initialized: {Succeeded}, {Message}")]
    private partial void LogInitialized(string channel, string username, bool succeeded, string message);
}
