using System.Text;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace BackOffice.Computop;

/// <summary>
/// Paygate's <c>Data</c>: Blowfish ECB over the ASCII plaintext, zero-padded to whole blocks, written as upper-case hex;
/// <c>Len</c> is the plaintext's length, and a reader keeps that many bytes (whatever padding follows).
/// </summary>
public static class PaygateCipher
{
    private const int Block = 8;

    public static (int Len, string Data) Encrypt(string plaintext, string password)
    {
        if (plaintext.Any(c => c > '\u007F'))
            throw new ArgumentException("Paygate's Data carries ASCII only.", nameof(plaintext));
        var bytes = Encoding.ASCII.GetBytes(plaintext);
        var padded = new byte[(bytes.Length + Block - 1) / Block * Block];
        bytes.CopyTo(padded, 0);
        Run(padded, password, encrypt: true);
        return (bytes.Length, Convert.ToHexString(padded));
    }

    /// <summary>The plaintext of <paramref name="data"/> (hex, either case); refuses a Len longer than the data.</summary>
    public static string Decrypt(string data, int len, string password)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(data);
        }
        catch (FormatException e)
        {
            throw new PaygateMessageException("Data is not hexadecimal.", e);
        }
        if (bytes.Length == 0 || bytes.Length % Block != 0)
            throw new PaygateMessageException($"Data has {bytes.Length} bytes, not whole blocks of {Block}.");
        if (len < 0 || len > bytes.Length)
            throw new PaygateMessageException($"Len {len} does not fit the {bytes.Length} bytes of Data.");
        Run(bytes, password, encrypt: false);
        return Encoding.ASCII.GetString(bytes, 0, len);
    }

    /// <summary>Why a Blowfish password cannot be used (Blowfish takes 4 to 56 bytes), or null.</summary>
    public static string? PasswordError(string? password) =>
        password is null || password.Length is < 4 or > 56 || password.Any(c => c > '\u007F') ? "A Blowfish password has 4 to 56 ASCII characters." : null;

    private static void Run(byte[] bytes, string password, bool encrypt)
    {
        if (PasswordError(password) is { } error)
            throw new ArgumentException(error, nameof(password));
        var engine = new BlowfishEngine();
        // The password's bytes as they are, not padded (Computop's PHP library: OPENSSL_DONT_ZERO_PAD_KEY).
        engine.Init(encrypt, new KeyParameter(Encoding.ASCII.GetBytes(password)));
        for (var offset = 0; offset < bytes.Length; offset += Block)
            engine.ProcessBlock(bytes, offset, bytes, offset);
    }
}
