using System.Security.Claims;
using BackOffice.ECommPay;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>A channel's Klarna (Sofort) service as a page sees it: the secret key is only "set" or "not set".</summary>
public sealed record ECommPayServiceView(ECommPayServiceSettings Settings, bool HasSecretKey, ECommPayInitialization? LastInitialization, Guid Version)
{
    public static readonly ECommPayServiceView None = new(new(false, null, false, null, null), false, null, Guid.Empty);

    public static ECommPayServiceView Of(ECommPayService service) => new(service.Settings, service.HasSecretKey, service.LastInitialization, service.Version);
}

/// <summary>
/// Administers a channel's Klarna (Sofort) service: its settings and secret key (audited without it), and Initialize,
/// which asks for the status of a payment that cannot exist: "not found" (3061) proves project and key, a signature
/// refusal (3261, 3262) says the key is not the project's.
/// </summary>
public sealed partial class ECommPayServices(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    ECommPayConnections connections,
    TimeProvider time,
    ILogger<ECommPayServices> logger)
{
    private const string Area = "Channels";
    private const string Name = "Klarna (Sofort) via ECommPay";

    public async Task<ECommPayServiceView> FindAsync(string channelCode)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.ECommPayServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync();
        return service is null ? ECommPayServiceView.None : ECommPayServiceView.Of(service);
    }

    /// <summary>Saves the settings; a secret key given replaces the stored one. A change made meanwhile by someone else is refused, not overwritten.</summary>
    public async Task<IReadOnlyList<Message>> SaveAsync(ClaimsPrincipal user, string channelCode, ECommPayServiceSettings settings, string? newSecretKey, Guid version)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        if (newSecretKey is not null && string.IsNullOrWhiteSpace(newSecretKey))
            throw new BusinessRuleException("A secret key cannot be blank.");
        if (newSecretKey?.Trim().Length > FieldRules.Secret)
            throw new BusinessRuleException("A secret key has at most {0} characters.", FieldRules.Secret);

        await using var db = await databases.CreateDbContextAsync();
        var channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);
        var service = await db.ECommPayServices.SingleOrDefaultAsync(s => s.ChannelId == channelId);
        if ((service?.Version ?? Guid.Empty) != version)
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", Name, channelCode);
        if (service is null)
            db.ECommPayServices.Add(service = new ECommPayService(channelId));
        var changes = service.Configure(settings, newSecretKey is null ? null : connections.Protect(newSecretKey.Trim()));
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

    public async Task<ECommPayInitialization> InitializeAsync(ClaimsPrincipal user, string channelCode, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.ECommPayServices on c.Id equals s.ChannelId select s).SingleOrDefaultAsync(cancellationToken)
            ?? throw new BusinessRuleException("Set up {0} of '{1}' first.", Name, channelCode);
        var project = connections.Project(service);
        var (succeeded, message) = await CheckAsync(connections.Client(), project, cancellationToken);
        var initialization = new ECommPayInitialization(time.GetUtcNow(), user.Name(), service.UseLive, project.ProjectId, succeeded, message);
        service.RecordInitialization(initialization);
        db.AuditEntries.Add(new AuditEntry(initialization.At, user.Name(), Area, "Initialized", $"{channelCode} / {Name}",
            new("Project {0} at {1}: {2}", project.ProjectId, project.BaseAddress, message), succeeded));
        await db.SaveChangesAsync(cancellationToken);
        LogInitialized(channelCode, project.ProjectId, succeeded, message.ToString());
        return initialization;
    }

    private static async Task<(bool, Message)> CheckAsync(ECommPayClient client, ECommPayProject project, CancellationToken cancellationToken)
    {
        try
        {
            await client.StatusAsync(project, $"backoffice-initialize-{Guid.NewGuid():N}", cancellationToken);
            return (false, new Message("ECommPay answered a payment that cannot exist; check the Gate address."));
        }
        catch (ECommPayRefusedException e) when (e.Code == ECommPayCodes.PaymentNotFound)
        {
            return (true, new Message("ECommPay took the signature of project {0}: the payment asked for as a test does not exist, as expected.", project.ProjectId));
        }
        catch (ECommPayRefusedException e) when (e.Code is ECommPayCodes.SignatureWrong or ECommPayCodes.SignatureMissing)
        {
            return (false, new Message("ECommPay refused the signature ({0}): the secret key is not project {1}'s, or the project is not ECommPay's.", e.Code, project.ProjectId));
        }
        catch (ECommPayRefusedException e)
        {
            return (false, new Message("ECommPay answered {0}: {1}", e.Code, e.Text));
        }
        catch (ECommPayException e)
        {
            return (false, new Message("ECommPay could not be reached: {0}", e.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ECommPay service of {Channel} (project {ProjectId}) initialized: {Succeeded}, {Message}")]
    private partial void LogInitialized(string channel, long projectId, bool succeeded, string message);
}
