using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>A legacy service as pages see it: the secret is only "set" or "not set".</summary>
public sealed record PaymentServiceView(
    ServiceKind Kind,
    PaymentServiceSettings Settings,
    bool HasSecret,
    ProviderEnvironment Environment,
    ServiceInitialization? LastInitialization,
    Guid Version)
{
    public string Name => Kind.Name;

    public static PaymentServiceView Of(PaymentService service) =>
        new(service.Kind, service.Settings, service.HasSecret, service.Environment, service.LastInitialization, service.Version);
}

/// <summary>A channel's settings of the legacy services, Invoice and Installments. Every change is checked for the caller's role and audited.</summary>
public sealed class KlarnaServiceSettings(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    SharedSecretProtector secrets,
    TimeProvider time)
{
    /// <summary>Both services of the channel, or null when there is no such channel.</summary>
    public async Task<IReadOnlyList<PaymentServiceView>?> FindAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Code == code, cancellationToken) is not { } channel)
            return null;
        var services = new List<PaymentServiceView>();
        foreach (var kind in KlarnaModule.Services)
            services.Add(PaymentServiceView.Of(await db.PaymentServiceAsync(channel.Id, kind, cancellationToken)));
        return services;
    }

    /// <summary>
    /// Saves a service's settings; <paramref name="newSecret"/> replaces the shared secret when given.
    /// <paramref name="version"/> is the one the form was loaded with: a concurrent change is refused, not overwritten.
    /// </summary>
    public async Task<IReadOnlyList<Message>> SaveAsync(ClaimsPrincipal user, string code, ServiceKind kind,
        PaymentServiceSettings settings, string? newSecret, Guid version)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        if (newSecret is not null && string.IsNullOrWhiteSpace(newSecret))
            throw new BusinessRuleException("A shared secret cannot be blank.");
        if (newSecret?.Trim().Length > FieldRules.Secret)
            throw new BusinessRuleException("A shared secret has at most {0} characters.", FieldRules.Secret);
        if (!KlarnaModule.Services.Contains(kind))
            throw new BusinessRuleException("{0} is not a service of Klarna's legacy API.", kind);

        await using var db = await databases.CreateDbContextAsync();
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Code == code) ?? throw new BusinessRuleException("There is no channel '{0}'.", code);
        var service = await db.PaymentServiceAsync(channel.Id, kind);
        if (service.Version != version)
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", kind, code);

        var changes = service.Configure(settings, newSecret is null ? null : secrets.Protect(newSecret.Trim()));
        if (changes.Count == 0)
            return changes;
        if (db.Entry(service).State == EntityState.Detached)
            db.PaymentServices.Add(service);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", "Service saved", $"{code} / {kind.Name}", Message.Join("; ", changes)));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // A concurrent save changed the row (its version) or made the first one (the unique channel and service).
            throw new BusinessRuleException("Someone else changed {0} of '{1}' meanwhile. Reload the page and make your change again.", kind, code);
        }
        return changes;
    }
}

/// <summary>The legacy services in the channel list, the header and the overview: one column each.</summary>
public sealed class KlarnaChannelServices(ServiceKind service) : IChannelServiceSummaries
{
    public ServiceKind Service => service;

    public async Task<IReadOnlyDictionary<int, ServiceSummary>> ByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken) =>
        (await db.PaymentServices.AsNoTracking().Where(s => s.Kind == service && (channelId == null || s.ChannelId == channelId)).ToListAsync(cancellationToken))
        .ToDictionary(s => s.ChannelId, s => new ServiceSummary(s.Kind, PaymentProviders.ServiceOf(s.Kind).ShortName, s.Enabled, s.Environment,
            NeverInitialized: s.LastInitialization is null, InitializationFailure: s.LastInitialization is { Succeeded: false } failed ? failed.Message : null));
}
