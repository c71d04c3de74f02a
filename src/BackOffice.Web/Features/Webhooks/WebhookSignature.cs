using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>
/// Signs a delivery as Stripe does: HMAC-SHA256 over <c>{timestamp}.{body}</c> with each valid secret, sent as
/// <c>BackOffice-Signature: t={timestamp},v1={hex}[,v1={hex}]</c>. The timestamp lets the shop refuse replays.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "BackOffice-Signature";

    public static string Sign(IEnumerable<string> secrets, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return string.Join(',', [$"t={timestamp}", .. secrets.Select(secret => $"v1={Hex(secret, $"{timestamp}.{body}")}")]);
    }

    private static string Hex(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));
}
