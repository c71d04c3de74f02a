using System.Security.Cryptography;
using System.Text;

namespace BackOffice.Computop;

/// <summary>Paygate's HMAC-SHA256 MACs, upper-case hex: a request's over its amounts, a result's over its status.</summary>
public static class PaygateMac
{
    /// <summary><c>PayID*TransID*MerchantID*Amount*Currency</c>; an unused field stays empty and keeps its <c>*</c>.</summary>
    public static string OfRequest(string hmacKey, string? payId, string? transId, string merchantId, long? amount, string? currency) =>
        Of(hmacKey, $"{payId}*{transId}*{merchantId}*{amount}*{currency}");

    /// <summary><c>PayID*TransID*MerchantID*Status*Code</c>, the MerchantID being the message's <c>mid</c>.</summary>
    public static string OfResult(string hmacKey, string? payId, string? transId, string merchantId, string? status, string? code) =>
        Of(hmacKey, $"{payId}*{transId}*{merchantId}*{status}*{code}");

    /// <summary>Whether <paramref name="given"/> is <paramref name="expected"/>, in either case, compared in constant time.</summary>
    public static bool Matches(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given.ToUpperInvariant()));

    private static string Of(string hmacKey, string text) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hmacKey), Encoding.UTF8.GetBytes(text)));
}
