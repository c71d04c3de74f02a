using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

public sealed record MarketplaceSellerView(int Id, string Name, string ArticlePrefix);

/// <summary>Administers the sellers of a marketplace channel, whose lines a settlement by virtual cards pays each with its own card; audited.</summary>
public sealed class MarketplaceSellers(IDbContextFactory<BackOfficeDbContext> databases, StaffAuthorization authorization, TimeProvider time)
{
    private const string Subject = "Marketplace sellers";

    public async Task<IReadOnlyList<MarketplaceSellerView>> ListAsync(string channelCode, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await (from c in db.Channels where c.Code == channelCode join s in db.MarketplaceSellers on c.Id equals s.ChannelId orderby s.Name select new MarketplaceSellerView(s.Id, s.Name, s.ArticlePrefix))
            .ToListAsync(cancellationToken);
    }

    public async Task AddAsync(ClaimsPrincipal user, string channelCode, string name, string articlePrefix)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);
        var seller = new MarketplaceSeller(channelId, name, articlePrefix);
        if (await db.MarketplaceSellers.AnyAsync(s => s.ChannelId == channelId && (s.Name == seller.Name || s.ArticlePrefix == seller.ArticlePrefix)))
            throw new BusinessRuleException("The channel has a seller with this name or article prefix already.");
        db.MarketplaceSellers.Add(seller);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", "Seller added", $"{channelCode} / {Subject}",
            new Message("{0}, article numbers beginning {1}", seller.Name, seller.ArticlePrefix)));
        await db.SaveChangesAsync();
    }

    public async Task RemoveAsync(ClaimsPrincipal user, string channelCode, int sellerId)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync();
        var seller = await (from c in db.Channels where c.Code == channelCode join s in db.MarketplaceSellers on c.Id equals s.ChannelId where s.Id == sellerId select s).SingleOrDefaultAsync()
            ?? throw new BusinessRuleException("The channel '{0}' has no such seller.", channelCode);
        db.MarketplaceSellers.Remove(seller);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Channels", "Seller removed", $"{channelCode} / {Subject}", new Message("{0}", seller.Name)));
        await db.SaveChangesAsync();
    }
}
