using System.Security.Cryptography;
using System.Text;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>A shop's key for the API of one channel. Only its SHA-256 hash is stored; the key is shown once.</summary>
public sealed class ApiKey
{
    private const string KeyPrefix = "bo_";

    private ApiKey()
    {
    }

    private ApiKey(int channelId, string name, string hash, string hint, string createdBy, DateTimeOffset createdAt) =>
        (ChannelId, Name, Hash, Hint, CreatedBy, CreatedAt) = (channelId, name, hash, hint, createdBy, createdAt);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public string Name { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>The key's first characters, so people can tell keys apart.</summary>
    public string Hint { get; private set; } = "";
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    /// <summary>A new key and its plaintext, which exists only in this answer.</summary>
    public static (ApiKey Key, string Plaintext) Create(int channelId, string name, string createdBy, DateTimeOffset createdAt)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
            throw new BusinessRuleException("Name the key (at most 100 characters), e.g. after the shop that uses it.");
        var plaintext = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (FromPlaintext(channelId, name.Trim(), plaintext, createdBy, createdAt), plaintext);
    }

    /// <summary>A key whose plaintext is given (the Development demo key).</summary>
    public static ApiKey FromPlaintext(int channelId, string name, string plaintext, string createdBy, DateTimeOffset createdAt) =>
        new(channelId, name, HashOf(plaintext), plaintext[..Math.Min(8, plaintext.Length)] + "…", createdBy, createdAt);

    // Keys are 256 random bits: a fast hash is enough, and lookups by hash stay cheap.
    public static string HashOf(string plaintext) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    public void Revoke(string by, DateTimeOffset at)
    {
        if (!IsActive)
            throw new BusinessRuleException("The key was revoked already.");
        (RevokedBy, RevokedAt) = (by, at);
    }
}

/// <summary>How <see cref="ApiKey"/> is kept.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.HasOne<Channel>().WithMany().HasForeignKey(k => k.ChannelId).OnDelete(DeleteBehavior.Cascade);
        key.HasIndex(k => k.Hash).IsUnique();
        key.Property(k => k.Hash).HasMaxLength(64);
        key.Property(k => k.Name).HasMaxLength(100);
        key.Property(k => k.Hint).HasMaxLength(20);
        key.Property(k => k.CreatedBy).HasMaxLength(256);
        key.Property(k => k.RevokedBy).HasMaxLength(256);
        key.Ignore(k => k.IsActive);
    }
}
