using System.Text;
using Microsoft.Extensions.Options;

namespace BackOffice.ECommPay.Sandbox;

/// <summary>
/// Sends callbacks as ECommPay does: a JSON POST, delivered only by an HTTP 200, tried again on ECommPay's schedule
/// (<see cref="ECommPayRetrySchedule"/>, on the sandbox's clock, scaled by <see cref="ECommPaySandboxOptions.CallbackRetryScale"/>).
/// Every attempt is logged; a delivery can be sent again by hand, also with a forged signature.
/// </summary>
public sealed class ECommPayCallbacks(IHttpClientFactory httpClients, IOptions<ECommPaySandboxOptions> options, TimeProvider time)
{
    public const string HttpClientName = "ECommPaySandboxCallbacks";

    private readonly Lock gate = new();
    private readonly List<ECommPayDelivery> deliveries = [];
    private CancellationTokenSource stopping = new();

    public IReadOnlyList<ECommPayDelivery> Deliveries
    {
        get
        {
            lock (gate)
                return [.. deliveries];
        }
    }

    public ECommPayDelivery Send(string url, string paymentId, long operationId, string status, string body)
    {
        ECommPayDelivery delivery;
        CancellationToken token;
        lock (gate)
        {
            delivery = new ECommPayDelivery(deliveries.Count + 1, url, paymentId, operationId, status, body);
            deliveries.Add(delivery);
            token = stopping.Token;
        }
        _ = Task.Run(() => DeliverAsync(delivery, token), CancellationToken.None);
        return delivery;
    }

    /// <summary>Sends a logged callback once more, now; <paramref name="forged"/> spoils its signature first. Null when there is no such delivery.</summary>
    public async Task<ECommPayAttempt?> ResendAsync(int id, bool forged)
    {
        ECommPayDelivery? delivery;
        lock (gate)
            delivery = deliveries.FirstOrDefault(d => d.Id == id);
        if (delivery is null)
            return null;
        var body = forged ? delivery.Body.Replace("\"signature\":\"", "\"signature\":\"AAAA", StringComparison.Ordinal) : delivery.Body;
        return await AttemptAsync(delivery, body, manual: true, forged, CancellationToken.None);
    }

    public void Reset()
    {
        lock (gate)
        {
            stopping.Cancel();
            stopping = new CancellationTokenSource();
            deliveries.Clear();
        }
    }

    private async Task DeliverAsync(ECommPayDelivery delivery, CancellationToken cancellationToken)
    {
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            if ((await AttemptAsync(delivery, delivery.Body, manual: false, forged: false, cancellationToken)).Status == 200 || ECommPayRetrySchedule.After(attempt) is not { } wait)
                return;
            try
            {
                await Task.Delay(wait * options.Value.CallbackRetryScale, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ECommPayAttempt> AttemptAsync(ECommPayDelivery delivery, string body, bool manual, bool forged, CancellationToken cancellationToken)
    {
        int? status = null;
        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(10);
            using var response = await http.PostAsync(delivery.Url, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Not reached (or the sandbox was reset meanwhile): the schedule tries again unless it was.
        }
        lock (gate)
        {
            var attempt = new ECommPayAttempt(delivery.Attempts.Count + 1, status, time.GetUtcNow(), manual, forged);
            delivery.Attempts.Add(attempt);
            return attempt;
        }
    }
}
