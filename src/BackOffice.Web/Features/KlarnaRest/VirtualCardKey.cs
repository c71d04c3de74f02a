using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

public enum VirtualCardKeyState
{
    /// <summary>Generated; its public key goes to Klarna, whose <c>key_id</c> has not been entered yet.</summary>
    [Display(Name = "Awaiting Klarna's key ID")]
    AwaitingKeyId,

    /// <summary>Enrolled at Klarna: settlements may be made for it.</summary>
    Active,

    /// <summary>No new settlement is made for it; it still opens the cards of the settlements made before.</summary>
    Retired,
}

/// <summary>
/// One of a channel's RSA key pairs for Klarna's virtual cards: the public half is enrolled at Klarna as a JWK, which
/// answers the <c>key_id</c> settlements name; the private half opens the cards and never leaves the app, kept encrypted
/// by the key ring. A channel may have several active keys; new settlements use its default.
/// </summary>
public sealed class VirtualCardKey
{
    public const int KeyIdMaxLength = 100;

    private VirtualCardKey()
    {
    }

    /// <param name="protectedPrivateKey">The private key under the key ring, or null when the key store keeps it.</param>
    public VirtualCardKey(int channelId, string publicJwk, string? protectedPrivateKey, int bits, DateTimeOffset createdAt, string createdBy)
    {
        (ChannelId, PublicJwk, ProtectedPrivateKey, Bits, CreatedAt, CreatedBy) = (channelId, publicJwk, protectedPrivateKey, bits, createdAt, createdBy);
        Thumbprint = ThumbprintOf(publicJwk);
    }

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    /// <summary>The public key as Klarna enrols it: <c>{"kty":"RSA","n":…,"e":…}</c>.</summary>
    public string PublicJwk { get; private set; } = "";

    /// <summary>The key's JWK thumbprint (RFC 7638), by which an administrator tells keys apart.</summary>
    public string Thumbprint { get; private set; } = "";

    /// <summary>
    /// The private key (PKCS#8), encrypted with ASP.NET Core Data Protection; never shown or exported. Null when the
    /// operator's key store keeps it (<see cref="VirtualCardKeyStore"/>), under <see cref="Thumbprint"/>.
    /// </summary>
    public string? ProtectedPrivateKey { get; private set; }

    public bool InKeyStore => ProtectedPrivateKey is null;

    public int Bits { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>Klarna's id for the enrolled key, which settlements and their reads name.</summary>
    public string? KlarnaKeyId { get; private set; }

    public VirtualCardKeyState State { get; private set; }

    /// <summary>The key new settlements of the channel use; one at most per channel.</summary>
    public bool IsDefault { get; private set; }

    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>Enters the <c>key_id</c> Klarna answered for the public key: the key is active from now on.</summary>
    public void Enrol(string klarnaKeyId)
    {
        if (State != VirtualCardKeyState.AwaitingKeyId)
            throw new BusinessRuleException("The key {0} already has Klarna's key ID {1}.", Thumbprint, KlarnaKeyId ?? "");
        if (KeyIdError(klarnaKeyId) is { } error)
            throw new BusinessRuleException(error);
        (KlarnaKeyId, State) = (klarnaKeyId, VirtualCardKeyState.Active);
    }

    public void MakeDefault()
    {
        if (State != VirtualCardKeyState.Active)
            throw new BusinessRuleException("Only an active key can be the default; enter Klarna's key ID for {0} first.", Thumbprint);
        IsDefault = true;
    }

    public void ClearDefault() => IsDefault = false;

    public void Retire(DateTimeOffset at)
    {
        if (State == VirtualCardKeyState.Retired)
            throw new BusinessRuleException("The key {0} is retired already.", Thumbprint);
        (State, IsDefault, RetiredAt) = (VirtualCardKeyState.Retired, false, at);
    }

    public static Message? KeyIdError(string? keyId) => keyId switch
    {
        null or "" => new Message("Enter the key ID Klarna gave for this key."),
        { Length: > KeyIdMaxLength } => new Message("A key ID has at most {0} characters.", KeyIdMaxLength),
        _ when keyId.Any(c => c is <= ' ' or > '~') => new Message("A key ID has no spaces and only plain letters, digits and signs."),
        _ => null,
    };

    /// <summary>RFC 7638: SHA-256 over the required members in lexical order, Base64url.</summary>
    private static string ThumbprintOf(string jwk)
    {
        using var document = JsonDocument.Parse(jwk);
        var root = document.RootElement;
        var canonical = $$"""{"e":"{{root.GetProperty("e").GetString()}}","kty":"RSA","n":"{{root.GetProperty("n").GetString()}}"}""";
        return System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>How <see cref="VirtualCardKey"/> is kept.</summary>
internal sealed class VirtualCardKeyConfiguration : IEntityTypeConfiguration<VirtualCardKey>
{
    public void Configure(EntityTypeBuilder<VirtualCardKey> key)
    {
        key.ToTable("VirtualCardKeys");
        key.HasOne<Channel>().WithMany().HasForeignKey(k => k.ChannelId).OnDelete(DeleteBehavior.Cascade);
        key.HasIndex(k => new { k.ChannelId, k.KlarnaKeyId }).IsUnique();
        // One default per channel, also when two administrators choose at once.
        key.HasIndex(k => k.ChannelId).IsUnique().HasFilter("\"IsDefault\" = TRUE").HasDatabaseName("IX_VirtualCardKeys_OneDefault");
        key.Property(k => k.PublicJwk).HasMaxLength(2000);
        key.Property(k => k.Thumbprint).HasMaxLength(64);
        key.Property(k => k.ProtectedPrivateKey).HasMaxLength(8000);
        key.Property(k => k.CreatedBy).HasMaxLength(256);
        key.Property(k => k.KlarnaKeyId).HasMaxLength(VirtualCardKey.KeyIdMaxLength);
        key.Property(k => k.State).HasConversion<string>().HasMaxLength(20);
        key.Ignore(k => k.InKeyStore);
    }
}
