using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>The module's tables in the app's database; their configurations sit beside the entities.</summary>
public static class KlarnaRestTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<KlarnaRestService> KlarnaRestServices => db.Set<KlarnaRestService>();

        public DbSet<KlarnaRestOrderClaim> KlarnaRestOrderClaims => db.Set<KlarnaRestOrderClaim>();

        public DbSet<KlarnaPayout> KlarnaPayouts => db.Set<KlarnaPayout>();

        public DbSet<VirtualCardKey> VirtualCardKeys => db.Set<VirtualCardKey>();

        public DbSet<MarketplaceSeller> MarketplaceSellers => db.Set<MarketplaceSeller>();

        public DbSet<CardSettlement> CardSettlements => db.Set<CardSettlement>();
    }
}
