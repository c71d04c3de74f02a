using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Webhooks;

public sealed record WebhookEndpointView(Guid Id, string ChannelCode, string Url, IReadOnlyList<string> Events, bool Enabled, DateTimeOffset? DisabledAt, Message? DisabledBecause,
    DateTimeOffset? FailingSince, DateTimeOffset? RetryAt, bool PreviousSecretValid, int Pending, int Delivered, int GaveUp);

/// <param name="Subject">The order number of a payment's event, or the id of a subscription's.</param>
public sealed record WebhookDeliveryView(long Id, string EventId, string Type, string Subject, Guid? TransactionId, DateTimeOffset OccurredAt, WebhookDeliveryState State,
    int Attempts, int? LastStatus, DateTimeOffset? LastAttemptAt, string Body);

public sealed record WebhookAttemptView(DateTimeOffset At, int? Status, int Milliseconds, string? Error, string? Response);

/// <summary>Administrators register a channel's endpoints (the secret shown once), enable, disable, rotate and remove them, read their deliveries and send one again; each change is audited.</summary>
public sealed class WebhookEndpoints(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    WebhookSecrets secrets,
    WebhookWakeUp wakeUp,
    IOptions<WebhookOptions> options,
    TimeProvider time)
{
    private const int DeliveriesShown = 100;

    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(string? channelCode = null)
    {
        await using var db = await databases.CreateDbContextAsync();
        var now = time.GetUtcNow();
        var deliveries = db.WebhookDeliveries;
        var rows = await (from e in db.WebhookEndpoints
                          join c in db.Channels on e.ChannelId equals c.Id
                          where channelCode == null || c.Code == channelCode
                          orderby c.Code, e.CreatedAt
                          select new
                          {
                              Endpoint = e,
                              c.Code,
                              Pending = deliveries.Count(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.Pending),
                              Delivered = deliveries.Count(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.Delivered),
                              GaveUp = deliveries.Count(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.GaveUp),
                          }).AsNoTracking().ToListAsync();
        return [.. rows.Select(r => new WebhookEndpointView(r.Endpoint.Id, r.Code, r.Endpoint.Url, r.Endpoint.EventList, r.Endpoint.Enabled, r.Endpoint.DisabledAt, r.Endpoint.DisabledBecause,
            r.Endpoint.FailingSince, r.Endpoint.RetryAt, r.Endpoint.PreviousSecretUntil > now, r.Pending, r.Delivered, r.GaveUp))];
    }

    public async Task<WebhookEndpointView?> FindAsync(Guid id)
    {
        await using var db = await databases.CreateDbContextAsync();
        var code = await (from e in db.WebhookEndpoints join c in db.Channels on e.ChannelId equals c.Id where e.Id == id select c.Code).SingleOrDefaultAsync();
        return code is null ? null : (await ListAsync(code)).SingleOrDefault(e => e.Id == id);
    }

    /// <summary>Registers an endpoint and answers its signing secret: the only time anyone sees it.</summary>
    public async Task<(Guid Id, string Secret)> CreateAsync(ClaimsPrincipal user, string channelCode, string url, IReadOnlyCollection<string> events)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        var address = Address(url);
        await using var db = await databases.CreateDbContextAsync();
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Code == channelCode) ?? throw new BusinessRuleException($"There is no channel '{channelCode}'.");
        var (plaintext, kept) = secrets.Create();
        var endpoint = new WebhookEndpoint(channel.Id, address, events, kept, user.Name(), time.GetUtcNow());
        db.WebhookEndpoints.Add(endpoint);
        Audit(db, user, "Webhook endpoint registered", channelCode, new Message("{0} for {1}", endpoint.Url, endpoint.Events));
        await db.SaveChangesAsync();
        return (endpoint.Id, plaintext);
    }

    public Task EnableAsync(ClaimsPrincipal user, Guid id) => ChangeAsync(user, id, "Webhook endpoint enabled", (endpoint, _) =>
    {
        if (endpoint.Enabled)
            throw new BusinessRuleException("The endpoint is enabled already.");
        endpoint.Enable();
        return null;
    }, wake: true);

    public Task DisableAsync(ClaimsPrincipal user, Guid id) => ChangeAsync(user, id, "Webhook endpoint disabled", (endpoint, now) =>
    {
        if (!endpoint.Enabled)
            throw new BusinessRuleException("The endpoint is disabled already.");
        endpoint.Disable(now, new Message("Disabled by {0}.", user.Name()));
        return null;
    });

    /// <summary>A new signing secret, answered once; the old one signs as well for a day, so the shop can switch without losing events.</summary>
    public async Task<string> RotateAsync(ClaimsPrincipal user, Guid id)
    {
        var (plaintext, kept) = secrets.Create();
        await ChangeAsync(user, id, "Webhook secret rotated", (endpoint, now) =>
        {
            endpoint.Rotate(kept, now + options.Value.PreviousSecretValidFor);
            return new Message("The previous secret signs too until {0:yyyy-MM-dd HH:mm} UTC.", (now + options.Value.PreviousSecretValidFor).UtcDateTime);
        });
        return plaintext;
    }

    public async Task RemoveAsync(ClaimsPrincipal user, Guid id)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var (endpoint, code) = await LoadAsync(db, id);
        db.WebhookEndpoints.Remove(endpoint);
        Audit(db, user, "Webhook endpoint removed", code, new Message("{0}", endpoint.Url));
        await db.SaveChangesAsync();
    }

    /// <summary>The endpoint's latest deliveries, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(Guid endpointId)
    {
        await using var db = await databases.CreateDbContextAsync();
        var rows = await (from d in db.WebhookDeliveries
                          where d.EndpointId == endpointId
                          orderby d.EventSequence descending
                          select new
                          {
                              d.Id, d.Event.EventId, d.Event.Type, d.Event.SubscriptionId, d.TransactionId, d.Event.OccurredAt, d.State, d.Attempts, d.LastStatus, d.LastAttemptAt, d.Event.Body,
                              OrderNumber = db.Transactions.Where(t => t.Id == d.TransactionId).Select(t => t.OrderNumber).FirstOrDefault(),
                          })
            .Take(DeliveriesShown).AsNoTracking().ToListAsync();
        return [.. rows.Select(d => new WebhookDeliveryView(d.Id, d.EventId, d.Type, d.OrderNumber ?? d.SubscriptionId?.ToString() ?? "", d.TransactionId, d.OccurredAt, d.State,
            d.Attempts, d.LastStatus, d.LastAttemptAt, d.Body))];
    }

    public async Task<IReadOnlyList<WebhookAttemptView>> AttemptsAsync(long deliveryId)
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.WebhookAttempts.Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new WebhookAttemptView(a.At, a.Status, a.Milliseconds, a.Error, a.Response)).AsNoTracking().ToListAsync();
    }

    /// <summary>Sends a delivery again (the same event, the same id), also one that arrived or was given up.</summary>
    public async Task ResendAsync(ClaimsPrincipal user, long deliveryId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var delivery = await db.WebhookDeliveries.Include(d => d.Event).SingleOrDefaultAsync(d => d.Id == deliveryId) ?? throw new BusinessRuleException("There is no such delivery.");
        var (endpoint, code) = await LoadAsync(db, delivery.EndpointId);
        if (delivery.State == WebhookDeliveryState.Pending)
            throw new BusinessRuleException("The event waits to be delivered already.");
        delivery.SendAgain();
        Audit(db, user, "Webhook event sent again", code, new Message("{0} ({1}) to {2}", delivery.Event.EventId, delivery.Event.Type, endpoint.Url));
        await db.SaveChangesAsync();
        wakeUp.Wake();
    }

    private async Task ChangeAsync(ClaimsPrincipal user, Guid id, string action, Func<WebhookEndpoint, DateTimeOffset, Message?> change, bool wake = false)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var (endpoint, code) = await LoadAsync(db, id);
        var said = change(endpoint, time.GetUtcNow());
        Audit(db, user, action, code, said is null ? new Message("{0}", endpoint.Url) : new Message("{0}: {1}", endpoint.Url, said));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new BusinessRuleException("The endpoint changed meanwhile (a delivery or another administrator); look at it again.");
        }
        if (wake)
            wakeUp.Wake();
    }

    private static async Task<(WebhookEndpoint Endpoint, string ChannelCode)> LoadAsync(BackOfficeDbContext db, Guid id)
    {
        var found = await (from e in db.WebhookEndpoints join c in db.Channels on e.ChannelId equals c.Id where e.Id == id select new { Endpoint = e, c.Code }).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no such webhook endpoint.");
        return (found.Endpoint, found.Code);
    }

    private static Uri Address(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address)
            ? address
            : throw new BusinessRuleException("The address must be an absolute https (or http) address without user and password, at most {0} characters.", WebhookEndpoint.MaxUrlLength);

    private void Audit(BackOfficeDbContext db, ClaimsPrincipal user, string action, string channelCode, Message what) =>
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", action, channelCode, what));
}
