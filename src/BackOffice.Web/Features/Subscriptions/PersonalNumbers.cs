using System.Security.Cryptography;
using System.Text;
using BackOffice.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>A personal number as it is kept: encrypted by the key ring, a keyed digest to find it by, and its last four digits.</summary>
public sealed record ProtectedPersonalNumber(string Protected, string Digest, string LastFour);

/// <summary>
/// Keeps personal numbers encrypted at rest and findable by their exact value only: the digest is an HMAC under a
/// key made once per installation and kept encrypted by the key ring, so the database alone reveals nothing.
/// </summary>
public sealed class PersonalNumbers(IDbContextFactory<BackOfficeDbContext> databases, IDataProtectionProvider protection)
{
    private const string KeyName = "personal-number-digest";
    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.Subscriptions.PersonalNumbers.v1");
    private byte[]? digestKey;

    /// <summary>Digits only, as Klarna and shops write them with or without separators (19410321-9202).</summary>
    public static string Normalized(string number) => new([.. number.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    public async Task<ProtectedPersonalNumber> ProtectAsync(string number)
    {
        var normalized = Normalized(number);
        return new ProtectedPersonalNumber(protector.Protect(normalized), await DigestAsync(normalized), normalized.Length >= 4 ? normalized[^4..] : normalized);
    }

    public async Task<string> DigestAsync(string number)
    {
        var key = digestKey ??= await KeyAsync();
        return Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Normalized(number))));
    }

    private async Task<byte[]> KeyAsync()
    {
        await using var db = await databases.CreateDbContextAsync();
        if (await db.Set<ProtectedKey>().SingleOrDefaultAsync(k => k.Name == KeyName) is not { } kept)
        {
            kept = new ProtectedKey(KeyName, protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            db.Add(kept);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Another instance made it first: its key is the one.
                db.ChangeTracker.Clear();
                kept = await db.Set<ProtectedKey>().SingleAsync(k => k.Name == KeyName);
            }
        }
        return Convert.FromBase64String(protector.Unprotect(kept.Value));
    }
}

/// <summary>A secret key of the installation, kept encrypted by the key ring.</summary>
public sealed class ProtectedKey(string name, string value)
{
    public string Name { get; private set; } = name;
    public string Value { get; private set; } = value;
}

internal sealed class ProtectedKeyConfiguration : IEntityTypeConfiguration<ProtectedKey>
{
    public void Configure(EntityTypeBuilder<ProtectedKey> key)
    {
        key.ToTable("ProtectedKeys");
        key.HasKey(k => k.Name);
        key.Property(k => k.Name).HasMaxLength(60);
        key.Property(k => k.Value).HasMaxLength(1000);
    }
}
