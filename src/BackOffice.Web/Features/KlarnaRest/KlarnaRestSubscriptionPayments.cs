using System.Globalization;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Subscriptions on Klarna Payments (direct): a session whose intent tokenizes (<c>buy_and_tokenize</c>, or
/// <c>tokenize</c> for a trial), the customer token made from the customer's authorization, the first order from the same
/// authorization and every later one from the token — each captured at once and booked as a paid transaction. Klarna's
/// refusals map by its advice: <c>PAYMENT_METHOD_FAILED</c> may pass; a suspended, cancelled, foreign or unusable token ends it.
/// </summary>
public sealed class KlarnaRestSubscriptionPayments(IDbContextFactory<BackOfficeDbContext> databases, KlarnaRestConnections connections, TimeProvider time) : ISubscriptionPayments
{
    private const string SubscriptionArticle = "SUBSCRIPTION";

    private static readonly string[] FinalCodes =
    [
        KlarnaTokenErrors.TokenSuspended, KlarnaTokenErrors.TokenCancelled, "TOKEN_CANCELED", KlarnaTokenErrors.TokenForbidden, KlarnaTokenErrors.TokenNotFound,
        KlarnaTokenErrors.UnavailablePaymentMethod, KlarnaTokenErrors.CurrencyMismatch,
    ];

    public async Task<OpenedSession> OpenSessionAsync(SubscriptionCart cart, CancellationToken cancellationToken)
    {
        var (service, credentials) = await ServiceAsync(cart.ChannelId, cancellationToken) ?? throw new BusinessRuleException("Klarna Payments (direct) is not set up for this channel.");
        if (service.NotReadyForShop is { } reason)
            throw new BusinessRuleException(reason);
        try
        {
            var session = await connections.Client().CreateSessionAsync(credentials, Purchase(cart), cancellationToken);
            return new OpenedSession(session.SessionId, session.ClientToken, [.. session.PaymentMethodCategories.Select(c => c.Identifier)]);
        }
        catch (KlarnaRestRefusedException e)
        {
            throw new BusinessRuleException("Klarna refused the session: {0} ({1}).", e.Error.Text, e.Error.ErrorCode);
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna could not be reached; no session was made: {0}", e.Message);
        }
    }

    public async Task<TokenizeOutcome> TokenizeAsync(SubscriptionCart cart, string authorizationToken, CancellationToken cancellationToken)
    {
        if (await ServiceAsync(cart.ChannelId, cancellationToken) is not { Credentials: var credentials })
            return new TokenizeOutcome.NotKnown("Klarna Payments (direct) is not set up for this channel; nothing was sent.");
        try
        {
            var token = await connections.Client().CreateCustomerTokenAsync(credentials, authorizationToken, new KlarnaCustomerTokenRequest
            {
                Description = cart.PlanName, Locale = cart.Locale ?? "en-US", PurchaseCountry = cart.Country, PurchaseCurrency = cart.Currency,
            }, CancellationToken.None);
            return new TokenizeOutcome.Made(token.TokenId, token.RedirectUrl, Customer(token.BillingAddress, null, token.Customer, cart.Country));
        }
        catch (KlarnaRestRefusedException e)
        {
            return new TokenizeOutcome.Refused(e.Error.ErrorCode, e.Error.Text);
        }
        catch (KlarnaRestException e)
        {
            return new TokenizeOutcome.NotKnown(e.Message);
        }
    }

    public async Task<TokenChargeOutcome> FirstChargeAsync(SubscriptionCart cart, string authorizationToken, string orderNumber, CancellationToken cancellationToken)
    {
        if (await ServiceAsync(cart.ChannelId, cancellationToken) is not { Service: var service, Credentials: var credentials })
            return new TokenChargeOutcome.NotKnown("Klarna Payments (direct) is not set up for this channel; nothing was sent.");
        var purchase = Purchase(cart) with
        {
            AutoCapture = true, MerchantReference1 = orderNumber,
            MerchantUrls = cart.ConfirmationUrl is { } confirmation ? new KlarnaMerchantUrls { Confirmation = confirmation } : null,
        };
        KlarnaPlacedOrder placed;
        try
        {
            placed = await connections.Client().PlaceOrderAsync(credentials, authorizationToken, purchase, CancellationToken.None);
        }
        catch (KlarnaRestRefusedException e)
        {
            return new TokenChargeOutcome.Refused(ChargeRefusal.Final, e.Error.ErrorCode, e.Error.Text);
        }
        catch (KlarnaRestException e)
        {
            return new TokenChargeOutcome.NotKnown(e.Message);
        }
        return await BookAsync(service, credentials, placed.OrderId, placed.RedirectUrl, cart.ChannelId, orderNumber, cart.PlanName, cart.Amount, cart.Currency, cart.Country, cart.VatPercent);
    }

    public async Task<TokenChargeOutcome> ChargeAsync(TokenCharge charge, CancellationToken cancellationToken)
    {
        if (await ServiceAsync(charge.ChannelId, cancellationToken) is not { Service: var service, Credentials: var credentials })
            return new TokenChargeOutcome.NotKnown("Klarna Payments (direct) is not set up for this channel; nothing was sent.");
        var line = Line(charge.PlanName, charge.Amount, charge.VatPercent, charge.Interval, charge.IntervalCount);
        var request = new KlarnaTokenOrderRequest
        {
            OrderAmount = charge.Amount, OrderTaxAmount = line.TotalTaxAmount ?? 0, OrderLines = [line], PurchaseCurrency = charge.Currency,
            AutoCapture = true, MerchantReference1 = charge.OrderNumber,
        };
        KlarnaTokenOrder placed;
        try
        {
            placed = await connections.Client().CreateTokenOrderAsync(credentials, charge.CustomerToken, request, charge.IdempotencyKey, CancellationToken.None);
        }
        catch (KlarnaRestRefusedException e)
        {
            // Klarna keeps a refusal under its key, so only a new attempt can pass: any refusal but the final ones is tried
            // again on the schedule, as PAYMENT_METHOD_FAILED is.
            return new TokenChargeOutcome.Refused(FinalCodes.Contains(e.Error.ErrorCode) ? ChargeRefusal.Final : ChargeRefusal.TryAgain, e.Error.ErrorCode, e.Error.Text);
        }
        catch (KlarnaRestException e)
        {
            return new TokenChargeOutcome.NotKnown(e.Message);
        }
        return await BookAsync(service, credentials, placed.OrderId, placed.RedirectUrl, charge.ChannelId, charge.OrderNumber, charge.PlanName, charge.Amount, charge.Currency,
            charge.Country, charge.VatPercent);
    }

    /// <summary>Klarna answers a key with its first outcome for 24 hours; an hour is kept in hand for clocks and a slow run.</summary>
    public TimeSpan KeyLifetime => TimeSpan.FromHours(23);

    public async Task<TokenChargeOutcome.Charged> FoundChargeAsync(TokenCharge charge, string providerOrderId, CancellationToken cancellationToken)
    {
        if (await ServiceAsync(charge.ChannelId, cancellationToken) is not { Service: var service, Credentials: var credentials })
            throw new BusinessRuleException("Klarna Payments (direct) is not set up for this channel.");
        KlarnaOrder order;
        try
        {
            order = await connections.Client().GetOrderAsync(credentials, providerOrderId, CancellationToken.None);
        }
        catch (KlarnaRestRefusedException e)
        {
            throw new BusinessRuleException("Klarna has no order {0}: {1}", providerOrderId, e.Error.Text);
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna could not be reached; nothing changed: {0}", e.Message);
        }
        if (order.MerchantReference1 != charge.OrderNumber || order.OrderAmount != charge.Amount || !string.Equals(order.PurchaseCurrency, charge.Currency, StringComparison.OrdinalIgnoreCase))
            throw new BusinessRuleException("Klarna's order {0} is not this charge: it was placed as {1} for {2}, the charge is {3} for {4}.", providerOrderId,
                order.MerchantReference1 ?? "-", new Amount(order.OrderAmount, order.PurchaseCurrency.ToUpperInvariant()), charge.OrderNumber, new Amount(charge.Amount, charge.Currency));
        return (TokenChargeOutcome.Charged)await BookAsync(service, credentials, order.OrderId, null, charge.ChannelId, charge.OrderNumber, charge.PlanName, charge.Amount,
            charge.Currency, charge.Country, charge.VatPercent);
    }

    public async Task<bool> CancelTokenAsync(int channelId, string customerToken, CancellationToken cancellationToken)
    {
        if (await ServiceAsync(channelId, cancellationToken) is not { Credentials: var credentials })
            return false;
        try
        {
            await connections.Client().CancelCustomerTokenAsync(credentials, customerToken, CancellationToken.None);
            return true;
        }
        catch (KlarnaRestException)
        {
            return false;
        }
    }

    /// <summary>The paid order as a captured transaction, with the customer Klarna names on it (read back; the books take what arrives).</summary>
    private async Task<TokenChargeOutcome> BookAsync(KlarnaRestService service, KlarnaRestCredentials credentials, string orderId, string? redirectUrl, int channelId,
        string orderNumber, string planName, long amount, string currency, string country, decimal vatPercent)
    {
        KlarnaOrder? order = null;
        try
        {
            order = await connections.Client().GetOrderAsync(credentials, orderId, CancellationToken.None);
        }
        catch (KlarnaRestException)
        {
            // The order is paid; its customer comes into the books when it is next read.
        }
        var customer = Customer(order?.BillingAddress, order?.ShippingAddress, order?.Customer, country);
        var billing = customer.Billing ?? Books(null, country);
        var (transaction, capture) = Transaction.PaidInShop(channelId, KlarnaRestModule.KlarnaPaymentsDirect, service.Environment, credentials.Username,
            orderId, order?.Captures.FirstOrDefault()?.CaptureId ?? orderId, orderNumber, currency, order?.PurchaseCountry ?? country,
            [new TransactionLine(SubscriptionArticle, planName, 1, amount, vatPercent, LineFlags.IncludesVat)],
            new TransactionCustomer($"{billing.FirstName} {billing.LastName}".Trim(), billing.Email, customer.PersonalNumber is { } number ? TransactionCustomer.Mask(number) : ""),
            billing, customer.Delivery ?? billing, time.GetUtcNow());
        return new TokenChargeOutcome.Charged(orderId, transaction, capture, order is null ? null : customer, redirectUrl);
    }

    private async Task<(KlarnaRestService Service, KlarnaRestCredentials Credentials)?> ServiceAsync(int channelId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.KlarnaRestServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channelId, cancellationToken) is { } service
            ? (service, connections.Credentials(service))
            : null;
    }

    private static KlarnaPurchase Purchase(SubscriptionCart cart)
    {
        var line = Line(cart.PlanName, cart.Amount, cart.VatPercent, cart.Interval, cart.IntervalCount);
        return new KlarnaPurchase
        {
            PurchaseCountry = cart.Country, PurchaseCurrency = cart.Currency, Locale = cart.Locale, OrderAmount = cart.Amount, OrderTaxAmount = line.TotalTaxAmount,
            OrderLines = [line], Intent = cart.TokenizeOnly ? KlarnaIntent.Tokenize : KlarnaIntent.BuyAndTokenize,
        };
    }

    private static KlarnaOrderLine Line(string planName, long amount, decimal vatPercent, BillingInterval interval, int intervalCount) =>
        KlarnaRestOrders.Line(new TransactionLine(SubscriptionArticle, planName, 1, amount, vatPercent, LineFlags.IncludesVat), 1) with
        {
            Type = "digital", Subscription = new KlarnaSubscription(planName, interval.ToString().ToUpperInvariant(), intervalCount),
        };

    private static BilledCustomer Customer(KlarnaAddress? billing, KlarnaAddress? shipping, KlarnaCustomer? customer, string country) =>
        new(billing?.GivenName, billing?.FamilyName, BirthDate(customer?.DateOfBirth), customer?.NationalIdentificationNumber, billing?.Phone,
            billing is null ? null : Books(billing, country), shipping is null ? null : Books(shipping, country));

    /// <summary>Klarna writes a birth date as 1979-01-01 on orders, and its Payments documents also as 01.01.1979.</summary>
    private static DateOnly? BirthDate(string? text) =>
        DateOnly.TryParseExact(text, ["yyyy-MM-dd", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static TransactionAddress Books(KlarnaAddress? address, string country) => new(address?.GivenName ?? "", address?.FamilyName ?? "", address?.OrganizationName ?? "",
        address?.StreetAddress ?? "", "", address?.PostalCode ?? "", address?.City ?? "", address?.Country?.ToUpperInvariant() ?? country, address?.Email ?? "", address?.Phone ?? "");
}
