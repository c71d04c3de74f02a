using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ShopApi;

public sealed record ApiKeyView(Guid Id, string Name, string Hint, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Administrators create (shown once), list and revoke a channel's API keys; each change is audited.</summary>
public sealed class ApiKeyService(IDbContextFactory<BackOfficeDbContext> databases, StaffAuthorization authorization, ActiveApiKeys activeKeys, TimeProvider time)
{
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string channelCode)
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.ApiKeys.Where(k => db.Channels.Any(c => c.Id == k.ChannelId && c.Code == channelCode))
            .OrderByDescending(k => k.RevokedAt == null).ThenBy(k => k.Name)
            .Select(k => new ApiKeyView(k.Id, k.Name, k.Hint, k.CreatedBy, k.CreatedAt, k.RevokedAt)).ToListAsync();
    }

    /// <summary>Creates a key and answers its plaintext: the only time anyone sees it.</summary>
    public async Task<string> CreateAsync(ClaimsPrincipal user, string channelCode, string name)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Code == channelCode) ?? throw new BusinessRuleException($"There is no channel '{channelCode}'.");
        var (key, plaintext) = ApiKey.Create(channel.Id, name, user.Name(), time.GetUtcNow());
        db.ApiKeys.Add(key);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", "API key created", channelCode, new("{0} ({1})", key.Name, key.Hint)));
        await db.SaveChangesAsync();
        await activeKeys.ReloadAsync();
        return plaintext;
    }

    public async Task RevokeAsync(ClaimsPrincipal user, string channelCode, Guid keyId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && db.Channels.Any(c => c.Id == k.ChannelId && c.Code == channelCode))
            ?? throw new BusinessRuleException("There is no such key on this channel.");
        key.Revoke(user.Name(), time.GetUtcNow());
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", "API key revoked", channelCode, new("{0} ({1})", key.Name, key.Hint)));
        await db.SaveChangesAsync();
        await activeKeys.ReloadAsync();
    }
}
