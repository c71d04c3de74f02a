using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>The module's tables in the app's database; their configurations sit beside the entities.</summary>
public static class KlarnaTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<ReservationClaim> ReservationClaims => db.Set<ReservationClaim>();
    }
}
