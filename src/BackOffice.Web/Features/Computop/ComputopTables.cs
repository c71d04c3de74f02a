using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>The module's tables in the app's database; their configurations sit beside the entities.</summary>
public static class ComputopTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<ComputopService> ComputopServices => db.Set<ComputopService>();

        public DbSet<ComputopNotification> ComputopNotifications => db.Set<ComputopNotification>();

        public DbSet<ComputopBatch> ComputopBatches => db.Set<ComputopBatch>();
    }
}
