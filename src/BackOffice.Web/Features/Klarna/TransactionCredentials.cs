using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// A transaction's own merchant and environment, with the secret its channel's service holds now. Actions never use
/// the channel's current eid or environment: if those changed, the detail page says so.
/// </summary>
public sealed class TransactionCredentials(SharedSecretProtector secrets)
{
    public async Task<KlarnaCredentials> ForAsync(BackOfficeDbContext db, Transaction transaction, CancellationToken cancellationToken = default) =>
        (await ForActionAsync(db, transaction, cancellationToken)).Credentials;

    /// <summary>For many transactions at once: the service loaded once, each transaction's own eid and environment.</summary>
    public KlarnaCredentials For(PaymentService service, string merchant, ProviderEnvironment environment) =>
        secrets.Credentials(service) with { MerchantId = KlarnaTerms.Eid(merchant), Environment = environment.ToKlarna() };

    /// <summary>The credentials, and activate's flags: how the service sends invoices, and test mode on the test gateway.</summary>
    public async Task<(KlarnaCredentials Credentials, ReservationFlags ActivationFlags)> ForActionAsync(
        BackOfficeDbContext db, Transaction transaction, CancellationToken cancellationToken = default)
    {
        var service = await db.PaymentServices.SingleAsync(s => s.ChannelId == transaction.ChannelId && s.Kind == transaction.Service, cancellationToken);
        var credentials = secrets.Credentials(service) with { MerchantId = KlarnaTerms.Eid(transaction.Merchant), Environment = transaction.Environment.ToKlarna() };
        return (credentials, InvoiceShipmentFlags.OnActivate(service.InvoiceShipment, transaction.Environment));
    }
}
