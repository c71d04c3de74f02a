using System.Security.Cryptography;
using System.Text;

namespace BackOffice.KlarnaRest;

/// <summary>
/// The <c>Klarna-Idempotency-Key</c> of one request of ours: a name-based UUID (version 5, RFC 9562) of the merchant and
/// our own id of the request, so that a retry, also after a restart, sends the same key and Klarna carries it out once.
/// </summary>
public static class KlarnaIdempotencyKey
{
    private static readonly Guid Namespace = new("0b8a2f63-4b9e-4d0e-9a51-6f1c2d3e4b5a");

    public static string For(string merchant, Guid request)
    {
        var name = Encoding.UTF8.GetBytes($"{merchant}/{request:N}");
        Span<byte> space = stackalloc byte[16];
        Namespace.TryWriteBytes(space, bigEndian: true, out _);
        var hash = SHA1.HashData([.. space, .. name]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
