using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace BackOffice.KlarnaRest;

/// <summary>
/// The card data of a Merchant Card Service card as Klarna sends it: <c>pci_data</c> is the card's JSON under AES-128 in
/// CTR mode (no padding) with the 16-byte <c>iv</c> as the first counter block, and <c>aes_key</c> is that AES key under
/// the merchant's enrolled RSA key with PKCS#1 v1.5 padding; all three are Base64. .NET has no CTR mode, so it is built
/// here from AES-ECB over counter blocks, incremented as one 128-bit big-endian number, as Java's <c>AES/CTR/NoPadding</c>.
/// </summary>
public static class KlarnaCardCrypto
{
    private const int BlockSize = 16;

    /// <summary>
    /// Decrypts a card into buffers that <see cref="VirtualCardData.Dispose"/> clears: the card number and CVV are never
    /// a <see cref="string"/>, which could not be cleared. Throws <see cref="KlarnaCardDataException"/>, which never
    /// carries the card data, when the key is not the card's or the data is not a card.
    /// </summary>
    public static VirtualCardData Decrypt(KlarnaVirtualCard card, RSA privateKey)
    {
        byte[]? key = null;
        byte[]? plain = null;
        try
        {
            try
            {
                key = privateKey.Decrypt(Convert.FromBase64String(card.AesKey), RSAEncryptionPadding.Pkcs1);
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new KlarnaCardDataException($"Card {card.CardId}: aes_key does not open with this key ({e.GetType().Name}); was the settlement made for another key_id?");
            }
            if (key.Length != 16)
                throw new KlarnaCardDataException($"Card {card.CardId}: aes_key holds {key.Length} bytes, not an AES-128 key.");
            var iv = InitialCounter(card.Iv) ?? throw new KlarnaCardDataException($"Card {card.CardId}: iv is neither 16 bytes in Base64 nor 32 hex digits.");
            byte[] cipher;
            try
            {
                cipher = Convert.FromBase64String(card.PciData);
            }
            catch (FormatException)
            {
                throw new KlarnaCardDataException($"Card {card.CardId}: pci_data is not Base64.");
            }
            plain = GC.AllocateArray<byte>(cipher.Length, pinned: true);
            AesCtr(key, iv, cipher, plain);
            return VirtualCardData.Parse(card.CardId, plain);
        }
        finally
        {
            if (key is not null)
                CryptographicOperations.ZeroMemory(key);
            if (plain is not null)
                CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>What Klarna does on its side (the sandbox uses it): a fresh AES key and counter for every card.</summary>
    public static (string AesKey, string Iv, string PciData) Encrypt(ReadOnlySpan<byte> cardJson, RSA publicKey)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        try
        {
            var iv = RandomNumberGenerator.GetBytes(BlockSize);
            var cipher = new byte[cardJson.Length];
            AesCtr(key, iv, cardJson, cipher);
            return (Convert.ToBase64String(publicKey.Encrypt(key, RSAEncryptionPadding.Pkcs1)), Convert.ToBase64String(iv), Convert.ToBase64String(cipher));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>AES in CTR mode: encrypting and decrypting are the same XOR with the key stream.</summary>
    internal static void AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> initialCounter, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var blocks = (input.Length + BlockSize - 1) / BlockSize;
        var counters = new byte[blocks * BlockSize];
        var stream = GC.AllocateArray<byte>(counters.Length, pinned: true);
        Span<byte> counter = stackalloc byte[BlockSize];
        initialCounter.CopyTo(counter);
        for (var block = 0; block < blocks; block++)
        {
            counter.CopyTo(counters.AsSpan(block * BlockSize));
            Increment(counter);
        }
        using var aes = Aes.Create();
        aes.SetKey(key);
        aes.EncryptEcb(counters, stream, PaddingMode.None);
        for (var i = 0; i < input.Length; i++)
            output[i] = (byte)(input[i] ^ stream[i]);
        CryptographicOperations.ZeroMemory(stream);
    }

    /// <summary>The counter is one 128-bit big-endian number: the carry runs through all 16 bytes, not only the low 64 bits.</summary>
    private static void Increment(Span<byte> counter)
    {
        for (var i = counter.Length - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
                return;
        }
    }

    /// <summary>Klarna does not say how <c>iv</c> is encoded; Base64 is what its examples show, 32 hex digits is taken too.</summary>
    private static byte[]? InitialCounter(string iv)
    {
        if (iv.Length == 2 * BlockSize && iv.All(char.IsAsciiHexDigit))
            return Convert.FromHexString(iv);
        var bytes = new byte[BlockSize];
        return Convert.TryFromBase64String(iv, bytes, out var written) && written == BlockSize ? bytes : null;
    }
}

/// <summary>
/// One decrypted card, held in pinned buffers for as long as the charge needs it and cleared on dispose. Only
/// <see cref="LastFour"/>, the expiry and what Klarna sends in the clear may be kept.
/// </summary>
public sealed class VirtualCardData : IDisposable
{
    private readonly byte[] pan;
    private readonly byte[] cvv;

    private VirtualCardData(byte[] pan, byte[] cvv, int expiryMonth, int expiryYear)
    {
        this.pan = pan;
        this.cvv = cvv;
        ExpiryMonth = expiryMonth;
        ExpiryYear = expiryYear;
        LastFour = string.Create(4, pan, (span, digits) =>
        {
            for (var i = 0; i < 4; i++)
                span[i] = (char)digits[digits.Length - 4 + i];
        });
    }

    /// <summary>The card number's ASCII digits; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Pan => pan;

    /// <summary>The security code's ASCII digits; valid until <see cref="Dispose"/>, and never to be stored.</summary>
    public ReadOnlyMemory<byte> Cvv => cvv;

    public string LastFour { get; }

    public int ExpiryMonth { get; }

    /// <summary>Four digits: Klarna's <c>expiry_date</c> is <c>MM/YY</c>.</summary>
    public int ExpiryYear { get; }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(pan);
        CryptographicOperations.ZeroMemory(cvv);
    }

    /// <summary>Reads <c>{"pan","expiry_date","cvv"}</c> (other members are passed over) without making a string of a secret.</summary>
    internal static VirtualCardData Parse(string cardId, ReadOnlySpan<byte> json)
    {
        byte[]? pan = null, cvv = null;
        int month = 0, year = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("pan"u8) ? "pan" : reader.ValueTextEquals("cvv"u8) ? "cvv" : reader.ValueTextEquals("expiry_date"u8) ? "expiry" : null;
                if (!reader.Read())
                    throw new JsonException();
                if (name is null || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                switch (name)
                {
                    case "pan":
                        pan = Digits(ref reader, 12, 19);
                        break;
                    case "cvv":
                        cvv = Digits(ref reader, 3, 4);
                        break;
                    default:
                        (month, year) = Expiry(ref reader);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            Clear(pan, cvv);
            throw new KlarnaCardDataException($"Card {cardId}: pci_data does not decrypt to card JSON; was the settlement made for another key_id?");
        }
        if (pan is null || cvv is null || month == 0)
        {
            Clear(pan, cvv);
            throw new KlarnaCardDataException($"Card {cardId}: the card data lacks a valid pan, cvv or expiry_date.");
        }
        return new VirtualCardData(pan, cvv, month, year);
    }

    private static byte[] Digits(ref Utf8JsonReader reader, int min, int max)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = reader.ValueSpan.Length <= buffer.Length && !reader.ValueIsEscaped ? reader.CopyString(buffer) : -1;
        try
        {
            if (length < min || length > max || buffer[..length].ContainsAnyExceptInRange((byte)'0', (byte)'9'))
                throw new JsonException();
            var digits = GC.AllocateArray<byte>(length, pinned: true);
            buffer[..length].CopyTo(digits);
            return digits;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static (int Month, int Year) Expiry(ref Utf8JsonReader reader)
    {
        var text = reader.GetString();
        if (text is not { Length: 5 } || text[2] != '/'
            || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            throw new JsonException();
        return (month, 2000 + year);
    }

    private static void Clear(byte[]? pan, byte[]? cvv)
    {
        if (pan is not null)
            CryptographicOperations.ZeroMemory(pan);
        if (cvv is not null)
            CryptographicOperations.ZeroMemory(cvv);
    }
}

/// <summary>A card's data could not be decrypted or read; the message names the card, never its data.</summary>
public sealed class KlarnaCardDataException(string message) : Exception(message);

/// <summary>The public half of an RSA key as a JWK (RFC 7517), the form Klarna enrols merchant keys in.</summary>
public static class KlarnaJwk
{
    public const int MinimumKeyBits = 2048;

    public static string Of(RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new { kty = "RSA", n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent) });
    }

    /// <summary>The key of an RSA JWK of at least <see cref="MinimumKeyBits"/> bits, or null with the reason.</summary>
    public static RSA? Read(string jwk, out string? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(jwk);
            var root = document.RootElement;
            string? Member(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (Member("kty") != "RSA" || Member("n") is not { } n || Member("e") is not { } e)
            {
                error = "The JWK needs kty \"RSA\", n and e.";
                return null;
            }
            var modulus = Base64Url.DecodeFromChars(n);
            if (modulus.AsSpan().TrimStart((byte)0).Length * 8 < MinimumKeyBits)
            {
                error = $"The key must have at least {MinimumKeyBits} bits.";
                return null;
            }
            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = Base64Url.DecodeFromChars(e) });
            return rsa;
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException)
        {
            error = "The JWK cannot be read: " + e.Message;
            return null;
        }
    }
}
