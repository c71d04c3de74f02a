using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Channels;

/// <summary>Channels, with a summary of the services the modules keep for each. Every change is checked for the caller's role and audited.</summary>
public sealed class ChannelService(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    IEnumerable<IChannelServiceSummaries> providerServices,
    TimeProvider time)
{
    private const string Area = "Channels";

    public async Task<IReadOnlyList<ChannelView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channels = await db.Channels.AsNoTracking().OrderBy(c => c.Code).ToListAsync(cancellationToken);
        var used = await db.TransactionsPerChannelAsync(cancellationToken);
        var kept = await ServicesByChannelAsync(db, null, cancellationToken);
        return [.. channels.Select(c => ChannelView.Of(c) with { TransactionCount = used.GetValueOrDefault(c.Id), Services = kept(c.Id) })];
    }

    public async Task<IReadOnlyList<string>> CodesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Channels.OrderBy(c => c.Code).Select(c => c.Code).ToListAsync(cancellationToken);
    }

    public async Task<ChannelView?> FindAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Code == code, cancellationToken);
        if (channel is null)
            return null;
        return ChannelView.Of(channel) with { Services = (await ServicesByChannelAsync(db, channel.Id, cancellationToken))(channel.Id) };
    }

    /// <summary>Every module's services kept for the channels (all when <paramref name="channelId"/> is null), by channel id.</summary>
    public async Task<Func<int, IReadOnlyList<ServiceSummary>>> ServicesByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken)
    {
        var byProvider = new List<IReadOnlyDictionary<int, ServiceSummary>>();
        foreach (var summaries in providerServices)
            byProvider.Add(await summaries.ByChannelAsync(db, channelId, cancellationToken));
        return id => [.. byProvider.Select(s => s.GetValueOrDefault(id)).OfType<ServiceSummary>()];
    }

    public async Task<ChannelView> CreateAsync(ClaimsPrincipal user, string code, string name)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        var channel = new Channel(code, name);
        await using var db = await databases.CreateDbContextAsync();
        if (await db.Channels.AnyAsync(c => c.Code == code))
            throw new BusinessRuleException("A channel with the code '{0}' exists already.", code);
        db.Channels.Add(channel);
        db.AuditEntries.Add(Audit(user, "Channel created", code, new("Name: {0}", channel.Name)));
        await db.SaveChangesAsync();
        return ChannelView.Of(channel);
    }

    public async Task RenameAsync(ClaimsPrincipal user, string code, string name)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channel = await ExistingAsync(db, code);
        var before = channel.Name;
        channel.Rename(name);
        db.AuditEntries.Add(Audit(user, "Channel renamed", code, new("Name: {0} → {1}", before, channel.Name)));
        await db.SaveChangesAsync();
    }

    public async Task DeleteAsync(ClaimsPrincipal user, string code)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channel = await ExistingAsync(db, code);
        if ((await db.TransactionsPerChannelAsync()).GetValueOrDefault(channel.Id) is var count and > 0)
            throw new BusinessRuleException(count == 1 ? "'{0}' has {1} transaction and cannot be deleted; its history stays with the channel." : "'{0}' has {1} transactions and cannot be deleted; their history stays with the channel.", code, count);
        db.Channels.Remove(channel);
        db.AuditEntries.Add(Audit(user, "Channel deleted", code, new("Name: {0}", channel.Name)));
        await db.SaveChangesAsync();
    }

    private AuditEntry Audit(ClaimsPrincipal user, string action, string subject, Message details) =>
        new(time.GetUtcNow(), user.Name(), Area, action, subject, details);

    private static async Task<Channel> ExistingAsync(BackOfficeDbContext db, string code) =>
        await db.Channels.SingleOrDefaultAsync(c => c.Code == code)
            ?? throw new BusinessRuleException("There is no channel '{0}'.", code);
}
