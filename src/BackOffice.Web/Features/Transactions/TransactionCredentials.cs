using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// A transaction's own merchant and environment, with the secret its channel's service holds now. Actions never use
/// the channel's current eid or environment: if those changed, the detail page says so.
/// </summary>
public sealed class TransactionCredentials(SharedSecretProtector secrets, IDbContextFactory<BackOfficeDbContext> databases)
{
    public async Task<KlarnaCredentials> ForAsync(BackOfficeDbContext db, Transaction transaction, CancellationToken cancellationToken = default)
    {
        var service = await db.PaymentServices.SingleAsync(s => s.ChannelId == transaction.ChannelId && s.Kind == transaction.Service, cancellationToken);
        return secrets.Credentials(service) with { MerchantId = transaction.MerchantId, Environment = transaction.Environment };
    }

    /// <summary>activate's flags for the transaction: how its service sends invoices, and test mode on the test gateway.</summary>
    public async Task<ReservationFlags> ActivationFlagsAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var shipment = await db.PaymentServices.Where(s => s.ChannelId == transaction.ChannelId && s.Kind == transaction.Service)
            .Select(s => s.InvoiceShipment).SingleAsync();
        return InvoiceShipmentFlags.OnActivate(shipment, transaction.Environment);
    }
}
