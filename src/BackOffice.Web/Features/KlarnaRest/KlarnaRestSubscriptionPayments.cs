using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Subscriptions' charges on Klarna's customer tokens: an order captured at once (a digital line carrying the
/// subscription), booked as a paid transaction of Klarna Payments (direct). Klarna's refusals map by its advice:
/// <c>PAYMENT_METHOD_FAILED</c> may pass and is tried again; a suspended, cancelled, foreign or unusable token ends it.
/// </summary>
public sealed class KlarnaRestSubscriptionPayments(IDbContextFactory<BackOfficeDbContext> databases, KlarnaRestConnections connections, TimeProvider time) : ISubscriptionPayments
{
    private static readonly string[] FinalCodes =
    [
        KlarnaTokenErrors.TokenSuspended, KlarnaTokenErrors.TokenCancelled, "TOKEN_CANCELED", KlarnaTokenErrors.TokenForbidden, KlarnaTokenErrors.TokenNotFound,
        KlarnaTokenErrors.UnavailablePaymentMethod, KlarnaTokenErrors.CurrencyMismatch,
    ];

    public async Task<TokenChargeOutcome> ChargeAsync(TokenCharge charge, CancellationToken cancellationToken)
    {
        KlarnaRestService? service;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            service = await db.KlarnaRestServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == charge.ChannelId, cancellationToken);
        if (service is null)
            return new TokenChargeOutcome.NotKnown("Klarna Payments (direct) is not set up for this channel; nothing was sent.");
        var credentials = connections.Credentials(service);
        var client = connections.Client();
        var line = new TransactionLine("SUBSCRIPTION", charge.PlanName, 1, charge.Amount, charge.VatPercent, LineFlags.IncludesVat);
        var klarnaLine = KlarnaRestOrders.Line(line, 1) with
        {
            Type = "digital", Subscription = new KlarnaSubscription(charge.PlanName, charge.Interval.ToString().ToUpperInvariant(), charge.IntervalCount),
        };
        var request = new KlarnaTokenOrderRequest
        {
            OrderAmount = charge.Amount, OrderTaxAmount = klarnaLine.TotalTaxAmount ?? 0, OrderLines = [klarnaLine], PurchaseCurrency = charge.Currency,
            AutoCapture = true, MerchantReference1 = charge.OrderNumber,
        };
        KlarnaTokenOrder placed;
        try
        {
            placed = await client.CreateTokenOrderAsync(credentials, charge.CustomerToken, request, charge.IdempotencyKey, CancellationToken.None);
        }
        catch (KlarnaRestRefusedException e) when (e.Error.ErrorCode == KlarnaTokenErrors.PaymentMethodFailed || FinalCodes.Contains(e.Error.ErrorCode))
        {
            return new TokenChargeOutcome.Refused(e.Error.ErrorCode == KlarnaTokenErrors.PaymentMethodFailed ? ChargeRefusal.TryAgain : ChargeRefusal.Final, e.Error.ErrorCode, e.Error.Text);
        }
        catch (KlarnaRestException e)
        {
            return new TokenChargeOutcome.NotKnown(e.Message);
        }

        KlarnaOrder? order = null;
        try
        {
            order = await client.GetOrderAsync(credentials, placed.OrderId, CancellationToken.None);
        }
        catch (KlarnaRestException)
        {
            // The order is paid; its customer is read into the books when it is next read.
        }
        var billing = Books(order?.BillingAddress, charge.Country);
        var (transaction, capture) = Transaction.PaidInShop(charge.ChannelId, KlarnaRestModule.KlarnaPaymentsDirect, service.Environment, credentials.Username,
            placed.OrderId, order?.Captures.FirstOrDefault()?.CaptureId ?? placed.OrderId, charge.OrderNumber, charge.Currency, order?.PurchaseCountry ?? charge.Country, [line],
            new TransactionCustomer($"{billing.FirstName} {billing.LastName}".Trim(), billing.Email, ""), billing, Books(order?.ShippingAddress, charge.Country) is { Street.Length: > 0 } shipping ? shipping : billing,
            time.GetUtcNow());
        return new TokenChargeOutcome.Charged(placed.OrderId, transaction, capture);
    }

    private static TransactionAddress Books(KlarnaAddress? address, string country) => new(address?.GivenName ?? "", address?.FamilyName ?? "", address?.OrganizationName ?? "",
        address?.StreetAddress ?? "", "", address?.PostalCode ?? "", address?.City ?? "", address?.Country?.ToUpperInvariant() ?? country, address?.Email ?? "", address?.Phone ?? "");
}
