using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>The module's tables in the app's database; their configurations sit beside the entities.</summary>
public static class KlarnaTables
{
    extension(BackOfficeDbContext db)
    {
        public DbSet<ReservationClaim> ReservationClaims => db.Set<ReservationClaim>();

        public DbSet<PaymentService> PaymentServices => db.Set<PaymentService>();

        /// <summary>The channel's settings of a legacy service, tracked; one never saved comes new (off, no merchant), not yet added.</summary>
        public async Task<PaymentService> PaymentServiceAsync(int channelId, ServiceKind kind, CancellationToken cancellationToken = default) =>
            await db.PaymentServices.SingleOrDefaultAsync(s => s.ChannelId == channelId && s.Kind == kind, cancellationToken) ?? new PaymentService(channelId, kind);
    }
}
