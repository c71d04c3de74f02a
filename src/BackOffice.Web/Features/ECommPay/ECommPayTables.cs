using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>The module's tables in the app's database; their configurations sit beside the entities.</summary>
public static class ECommPayTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<ECommPayService> ECommPayServices => db.Set<ECommPayService>();

        public DbSet<ECommPayPaymentIntent> ECommPayPaymentIntents => db.Set<ECommPayPaymentIntent>();

        public DbSet<ECommPayCallbackRecord> ECommPayCallbacks => db.Set<ECommPayCallbackRecord>();
    }
}
