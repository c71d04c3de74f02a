using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace BackOffice.Computop.Sandbox;

/// <summary>One attempt to deliver a notification, as the control API lists them.</summary>
public sealed record NotificationAttempt(string PayId, string Url, int Attempt, DateTimeOffset At, int? HttpStatus, bool Delivered);

/// <summary>
/// Sends URLNotify as Paygate does (PROTOCOL.md §3): a form POST in ISO-8859-1 with MerchantID, Len and Data, the
/// result's MAC inside; an answer other than 2xx, or none, is tried again after 1 min, 8 min, 27 min, 1:04, 2:05,
/// 3:36, 5:43 and 8:32 hours — on the sandbox's clock, so a test can move it on.
/// </summary>
public sealed partial class ComputopNotifier(TimeProvider time, ILogger<ComputopNotifier> logger)
{
    public static readonly IReadOnlyList<TimeSpan> Retries =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(27), new(1, 4, 0), new(2, 5, 0), new(3, 36, 0), new(5, 43, 0), new(8, 32, 0),
    ];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<NotificationAttempt> attempts = new();

    public IReadOnlyList<NotificationAttempt> Attempts => [.. attempts];

    /// <summary>Starts delivering the notification of <paramref name="fields"/> in the background and returns at once.</summary>
    public void Send(PaygateCredentials merchant, Uri url, IReadOnlyDictionary<string, string> fields)
    {
        var payId = fields.GetValueOrDefault("PayID", "");
        var mac = PaygateMac.OfResult(merchant.HmacKey, payId, fields.GetValueOrDefault("TransID"), merchant.MerchantId, fields.GetValueOrDefault("Status"), fields.GetValueOrDefault("Code"));
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write([.. fields, new("MAC", mac)]), merchant.BlowfishPassword);
        var body = $"MerchantID={Uri.EscapeDataString(merchant.MerchantId)}&Len={len.ToString(CultureInfo.InvariantCulture)}&Data={data}";
        _ = DeliverAsync(payId, url, body);
    }

    public void Reset() => attempts.Clear();

    private async Task DeliverAsync(string payId, Uri url, string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            int? status = null;
            try
            {
                using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "iso-8859-1" };
                using var response = await Http.PostAsync(url, content);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                LogUnreachable(logger, url, e.Message);
            }
            var delivered = status is >= 200 and < 300;
            attempts.Enqueue(new NotificationAttempt(payId, url.ToString(), attempt, time.GetUtcNow(), status, delivered));
            if (delivered || attempt > Retries.Count)
                return;
            await Task.Delay(Retries[attempt - 1], time);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification to {Url} not delivered: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri url, string reason);
}
