using System.Security.Claims;
using System.Security.Cryptography;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>A channel's key as a page sees it: the public JWK to send to Klarna, never the private key.</summary>
public sealed record VirtualCardKeyView(int Id, string Thumbprint, string PublicJwk, int Bits, string? KlarnaKeyId, VirtualCardKeyState State, bool IsDefault,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RetiredAt, bool InKeyStore)
{
    public static VirtualCardKeyView Of(VirtualCardKey key) =>
        new(key.Id, key.Thumbprint, key.PublicJwk, key.Bits, key.KlarnaKeyId, key.State, key.IsDefault, key.CreatedAt, key.CreatedBy, key.RetiredAt, key.InKeyStore);
}

/// <summary>
/// Administers a channel's keys for Klarna's virtual cards: generates a pair in the app (the private key encrypted by the
/// key ring at once, never shown or exported), takes the <c>key_id</c> Klarna answers for the public JWK, chooses the
/// default for new settlements and retires keys. Every change is audited. <see cref="OpenAsync"/> hands the private
/// key to a settlement, in memory only. When the operator configures a key store (<see cref="VirtualCardKeyStore"/>),
/// new private keys go there instead of the key ring.
/// </summary>
public sealed class VirtualCardKeys(
    IDbContextFactory<BackOfficeDbContext> databases,
    IDataProtectionProvider protection,
    VirtualCardKeyStore keyStore,
    VirtualCardKeyGenerator generator,
    StaffAuthorization authorization,
    TimeProvider time)
{
    /// <summary>Above Klarna's minimum of 2048 bits, as recommended for keys used beyond 2030.</summary>
    public const int KeyBits = 3072;

    private const string Area = "Channels";
    private const string Subject = "Virtual card keys";

    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.KlarnaRest.VirtualCardKeys.v1");

    public async Task<IReadOnlyList<VirtualCardKeyView>> ListAsync(string channelCode, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var keys = await (from c in db.Channels where c.Code == channelCode join k in db.VirtualCardKeys on c.Id equals k.ChannelId select k)
            .AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.State == VirtualCardKeyState.Retired).ThenByDescending(k => k.CreatedAt).Select(VirtualCardKeyView.Of)];
    }

    public async Task<VirtualCardKeyView> GenerateAsync(ClaimsPrincipal user, string channelCode)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await ChannelIdAsync(db, channelCode);
        using var rsa = generator.Generate();
        var key = new VirtualCardKey(channelId, KlarnaJwk.Of(rsa), keyStore.IsConfigured ? null : Protect(rsa), rsa.KeySize, time.GetUtcNow(), user.Name());
        if (keyStore.IsConfigured)
            keyStore.Add(rsa, key.Thumbprint);
        db.VirtualCardKeys.Add(key);
        Audit(db, user, "Key generated", channelCode, new Message("RSA key {0} ({1} bits) generated; its public key goes to Klarna for a key ID.", key.Thumbprint, key.Bits));
        await db.SaveChangesAsync();
        return VirtualCardKeyView.Of(key);
    }

    /// <summary>Enters Klarna's <c>key_id</c> for a key; the channel's first active key becomes its default.</summary>
    public async Task<VirtualCardKeyView> EnrolAsync(ClaimsPrincipal user, string channelCode, int keyId, string klarnaKeyId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        klarnaKeyId = klarnaKeyId.Trim();
        await using var db = await databases.CreateDbContextAsync();
        var (key, all) = await KeyAsync(db, channelCode, keyId);
        if (all.Any(k => k.KlarnaKeyId == klarnaKeyId))
            throw new BusinessRuleException("Another key of this channel has Klarna's key ID {0} already.", klarnaKeyId);
        key.Enrol(klarnaKeyId);
        var madeDefault = !all.Any(k => k.IsDefault);
        if (madeDefault)
            key.MakeDefault();
        Audit(db, user, "Key enrolled", channelCode, madeDefault
            ? new Message("Key {0} has Klarna's key ID {1} and is the default for new settlements.", key.Thumbprint, klarnaKeyId)
            : new Message("Key {0} has Klarna's key ID {1}.", key.Thumbprint, klarnaKeyId));
        await db.SaveChangesAsync();
        return VirtualCardKeyView.Of(key);
    }

    public async Task MakeDefaultAsync(ClaimsPrincipal user, string channelCode, int keyId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var (key, all) = await KeyAsync(db, channelCode, keyId);
        if (key.IsDefault)
            return;
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var other in all.Where(k => k != key))
            other.ClearDefault();
        // The old default is cleared in its own statement first: the database holds one default per channel at every step.
        await db.SaveChangesAsync();
        key.MakeDefault();
        Audit(db, user, "Default key changed", channelCode, new Message("New settlements use key {0} (Klarna's key ID {1}).", key.Thumbprint, key.KlarnaKeyId ?? ""));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>Retires a key: no new settlement uses it. When it was the default, the newest other active key takes over.</summary>
    public async Task RetireAsync(ClaimsPrincipal user, string channelCode, int keyId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var (key, all) = await KeyAsync(db, channelCode, keyId);
        var wasDefault = key.IsDefault;
        await using var transaction = await db.Database.BeginTransactionAsync();
        key.Retire(time.GetUtcNow());
        await db.SaveChangesAsync();
        var successor = wasDefault ? all.Where(k => k.State == VirtualCardKeyState.Active && k != key).MaxBy(k => k.CreatedAt) : null;
        successor?.MakeDefault();
        Audit(db, user, "Key retired", channelCode, successor is not null
            ? new Message("Key {0} is retired; new settlements use key {1}.", key.Thumbprint, successor.Thumbprint)
            : wasDefault
                ? new Message("Key {0} is retired; no active key is left, so no settlement can be made until one is enrolled.", key.Thumbprint)
                : new Message("Key {0} is retired.", key.Thumbprint));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The key new settlements of the channel use, or null when it has none active.</summary>
    public async Task<VirtualCardKey?> DefaultAsync(int channelId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.VirtualCardKeys.AsNoTracking().SingleOrDefaultAsync(k => k.ChannelId == channelId && k.IsDefault, cancellationToken);
    }

    /// <summary>The private key of <paramref name="key"/>, in memory for as long as the caller holds it (dispose it at once).</summary>
    public RSA Open(VirtualCardKey key)
    {
        if (key.ProtectedPrivateKey is not { } protectedKey)
            return keyStore.Open(key.Thumbprint);
        byte[]? pkcs8 = null;
        try
        {
            pkcs8 = protector.Unprotect(Convert.FromBase64String(protectedKey));
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The private key {0} cannot be decrypted (the key ring changed); generate a new key and enrol it at Klarna.", key.Thumbprint);
        }
        finally
        {
            if (pkcs8 is not null)
                CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private string Protect(RSA rsa)
    {
        var pkcs8 = rsa.ExportPkcs8PrivateKey();
        try
        {
            return Convert.ToBase64String(protector.Protect(pkcs8));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static async Task<int> ChannelIdAsync(BackOfficeDbContext db, string channelCode) =>
        await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);

    private static async Task<(VirtualCardKey Key, List<VirtualCardKey> All)> KeyAsync(BackOfficeDbContext db, string channelCode, int keyId)
    {
        var channelId = await ChannelIdAsync(db, channelCode);
        var all = await db.VirtualCardKeys.Where(k => k.ChannelId == channelId).ToListAsync();
        return (all.SingleOrDefault(k => k.Id == keyId) ?? throw new BusinessRuleException("The channel '{0}' has no such key.", channelCode), all);
    }

    private void Audit(BackOfficeDbContext db, ClaimsPrincipal user, string action, string channelCode, Message details) =>
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), Area, action, $"{channelCode} / {Subject}", details));
}
