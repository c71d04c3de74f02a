using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>One attempt to tell the merchant of a fraud decision, as the control API lists them.</summary>
public sealed record KlarnaRestDelivery(Uri Url, string OrderId, string EventType, int Attempt, int? Status, DateTimeOffset At);

/// <summary>
/// Klarna's pending-order notification: <c>{"order_id", "event_type"}</c> POSTed to the order's
/// <c>merchant_urls.notification</c> until it answers 200 — here three attempts a second apart (Klarna tries every ten
/// minutes for a day), in the background.
/// </summary>
public sealed class KlarnaRestNotifier(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "KlarnaRestSandboxNotifier";

    private readonly ConcurrentQueue<KlarnaRestDelivery> deliveries = new();

    public IReadOnlyList<KlarnaRestDelivery> Deliveries => [.. deliveries];

    public void Send(Uri url, string orderId, string eventType) => _ = Task.Run(async () =>
    {
        using var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = TimeSpan.FromSeconds(5);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            int? status = null;
            try
            {
                using var response = await http.PostAsJsonAsync(url, new { order_id = orderId, event_type = eventType });
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not reached: tried again below, as Klarna would.
            }
            deliveries.Enqueue(new KlarnaRestDelivery(url, orderId, eventType, attempt, status, time.GetUtcNow()));
            if (status == 200)
                return;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    });
}
