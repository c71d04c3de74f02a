using System.Diagnostics;
using System.Text;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>
/// Delivers the outbox (a Hangfire job, woken after each save with events and swept every minute): per endpoint in
/// the order the events happened, so an order's events arrive in order; an endpoint that fails is left alone until its
/// back-off ends (the failed event goes first then), disabled after failing for a day; an event not delivered in three
/// days is given up. At least once: an endpoint may see an event again (its id tells it so).
/// </summary>
public sealed class WebhookSender(
    IDbContextFactory<BackOfficeDbContext> databases,
    JobLeases leases,
    IHttpClientFactory clients,
    WebhookSecrets secrets,
    WebhookWakeUp wakeUp,
    IBackgroundJobClient jobs,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    public const string JobId = "WebhookDeliveries";
    public const string HttpClientName = "Webhooks";
    private const int Batch = 200;
    private static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(2);

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!wakeUp.Started())
            return;
        var holder = Guid.NewGuid().ToString("N");
        try
        {
            if (!await leases.TryAcquireAsync(JobId, holder, LongestRun + options.Value.Timeout * 2, cancellationToken))
            {
                // Another instance delivers; what it does not see yet, the minutely sweep brings.
                wakeUp.TakeRequest();
                return;
            }
            try
            {
                await DeliverUntilDoneAsync(cancellationToken);
            }
            finally
            {
                await leases.ReleaseAsync(JobId, holder);
            }
        }
        finally
        {
            wakeUp.Ended();
        }
    }

    private async Task DeliverUntilDoneAsync(CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + LongestRun;
        while (true)
        {
            wakeUp.TakeRequest();
            var next = await DeliverDueAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (now >= until)
            {
                if (next is not null || wakeUp.TakeRequest())
                    Schedule((next ?? now) - now);
                return;
            }
            if (wakeUp.TakeRequest())
                continue;
            if (next is null)
                return;
            var wait = next.Value - now;
            if (wait > options.Value.WaitInProcess)
            {
                Schedule(wait);
                return;
            }
            if (wait > TimeSpan.Zero)
                await Task.WhenAny(Task.Delay(wait, time, cancellationToken), wakeUp.Woken);
        }
    }

    private void Schedule(TimeSpan wait) =>
        jobs.Schedule<WebhookSender>(s => s.RunAsync(CancellationToken.None), wait < TimeSpan.Zero ? TimeSpan.Zero : wait);

    /// <summary>Sends what is due; answers when something is due next (now when more waits), or null when nothing does.</summary>
    private async Task<DateTimeOffset?> DeliverDueAsync(CancellationToken cancellationToken)
    {
        List<WebhookEndpoint> endpoints;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var deliveries = db.WebhookDeliveries;
            endpoints = await db.WebhookEndpoints.AsNoTracking()
                .Where(e => e.Enabled && deliveries.Any(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.Pending)).ToListAsync(cancellationToken);
        }
        DateTimeOffset? next = null;
        foreach (var endpoint in endpoints)
        {
            var now = time.GetUtcNow();
            var due = endpoint.RetryAt is { } retryAt && retryAt > now ? retryAt : await DeliverAsync(endpoint, cancellationToken);
            if (due is { } at && (next is null || at < next))
                next = at;
        }
        return next;
    }

    /// <summary>Sends the endpoint's pending events in order until one fails; answers when it is due again.</summary>
    private async Task<DateTimeOffset?> DeliverAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        List<WebhookDelivery> pending;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.WebhookDeliveries.AsNoTracking().Include(d => d.Event)
                .Where(d => d.EndpointId == endpoint.Id && d.State == WebhookDeliveryState.Pending)
                .OrderBy(d => d.EventSequence).Take(Batch).ToListAsync(cancellationToken);
        }
        var client = clients.CreateClient(HttpClientName);
        foreach (var delivery in pending)
        {
            var now = time.GetUtcNow();
            if (now - delivery.Event.OccurredAt > options.Value.GiveUpAfter)
            {
                await SaveAsync(delivery.Id, endpoint.Id, null, now);
                continue;
            }
            var attempt = await SendAsync(client, endpoint, delivery, cancellationToken);
            var retryAt = await SaveAsync(delivery.Id, endpoint.Id, attempt, now);
            if (!attempt.Succeeded)
                return retryAt;
        }
        return pending.Count == Batch ? time.GetUtcNow() : null;
    }

    private async Task<WebhookAttempt> SendAsync(HttpClient client, WebhookEndpoint endpoint, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(delivery.Event.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("BackOffice-Event-Id", delivery.Event.EventId);
        request.Headers.Add("BackOffice-Event-Type", delivery.Event.Type);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secrets.SigningSecrets(endpoint, at), at, delivery.Event.Body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await ReadStartAsync(response, timeout.Token);
            return new WebhookAttempt(delivery.Id, at, (int)response.StatusCode, Elapsed(started), null, text);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Webhook delivery {Delivery} to {Url} failed: {Error}", delivery.Id, endpoint.Url, e.Message);
            return new WebhookAttempt(delivery.Id, at, null, Elapsed(started), e is OperationCanceledException ? $"No answer within {options.Value.Timeout.TotalSeconds:0} s." : e.Message, null);
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[WebhookAttempt.MaxText];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>Keeps an attempt (or gives the delivery up when it is null) and what it means for the endpoint; answers when the endpoint may be tried again.</summary>
    private async Task<DateTimeOffset?> SaveAsync(long deliveryId, Guid endpointId, WebhookAttempt? attempt, DateTimeOffset now) =>
        await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId);
            var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId);
            // Removed by an administrator while it was being sent: nothing to keep.
            if (delivery is null || endpoint is null)
                return null;
            if (attempt is null)
            {
                delivery.GiveUp();
            }
            else
            {
                db.WebhookAttempts.Add(attempt);
                delivery.Record(attempt);
                if (attempt.Succeeded)
                    endpoint.Answered();
                else
                    endpoint.Failed(now, options.Value.FirstRetry, options.Value.LongestWait, options.Value.DisableAfter);
            }
            await db.SaveChangesAsync();
            return endpoint.Enabled ? endpoint.RetryAt : null;
        }, onConflict: true);
}
