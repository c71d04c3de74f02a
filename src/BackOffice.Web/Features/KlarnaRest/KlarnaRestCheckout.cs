using System.Security.Cryptography;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>One line of the shop's basket: its unit price includes VAT, in minor units.</summary>
public sealed record KlarnaShopLine(string? ArticleNumber, string? Title, int Quantity, long UnitPrice, decimal VatPercent, bool IsShipment = false);

public sealed record KlarnaSessionRequest(string? OrderNumber, string? Currency, string? Country, string? Locale, IReadOnlyList<KlarnaShopLine>? Lines);

public sealed record KlarnaShopCategory(string Identifier, string? Name);

/// <summary>What the shop's page loads Klarna's widget with.</summary>
public sealed record KlarnaSessionResponse(string SessionId, string ClientToken, IReadOnlyList<KlarnaShopCategory> PaymentMethodCategories);

/// <summary>The order to place from the authorization the shop's page received; the basket must be the session's.</summary>
public sealed record KlarnaOrderRequest(
    string? OrderNumber, string? AuthorizationToken, string? Currency, string? Country, string? Locale, IReadOnlyList<KlarnaShopLine>? Lines,
    ApiAddress? BillingAddress, ApiAddress? ShippingAddress);

/// <param name="FraudStatus">Klarna's decision: ACCEPTED, or PENDING while it reviews the order (the transaction is Pending until it decides).</param>
public sealed record KlarnaOrderResponse(Guid Id, string OrderNumber, string KlarnaOrderId, TransactionState State, string? FraudStatus);

/// <summary>What placing an order came to: the order (201 new, 200 the same request again), or a refusal with its HTTP status.</summary>
public sealed record PlaceOrderOutcome(int Status, KlarnaOrderResponse? Order = null, string? Problem = null);

/// <summary>
/// The shop API of Klarna Payments (direct): a payment session for a basket, and the order placed from the customer's
/// authorization — claimed before Klarna is called, so that a request sent twice places one order, and stored in the
/// books through the journal. An answer lost on the way is settled by sending the same authorization again, which
/// Klarna answers with the order it placed.
/// </summary>
public sealed partial class KlarnaRestCheckout(
    IDbContextFactory<BackOfficeDbContext> databases,
    KlarnaRestConnections connections,
    OperationJournal journal,
    PublicAddress publicAddress,
    TimeProvider time,
    ILogger<KlarnaRestCheckout> logger)
{
    public static readonly string[] Countries = ["AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "GR", "IE", "IT", "NL", "NO", "PL", "PT", "SE", "US", "CA", "AU", "NZ"];
    public static readonly string[] Currencies = ["EUR", "CHF", "CZK", "DKK", "GBP", "NOK", "PLN", "SEK", "USD", "CAD", "AUD", "NZD"];

    public static Dictionary<string, string[]> Errors(KlarnaSessionRequest request) => Errors(request.OrderNumber, request.Currency, request.Country, request.Locale, request.Lines);

    public static Dictionary<string, string[]> Errors(KlarnaOrderRequest request)
    {
        var errors = Errors(request.OrderNumber, request.Currency, request.Country, request.Locale, request.Lines);
        if (request.AuthorizationToken is not { Length: > 0 and <= 255 })
            errors["authorizationToken"] = ["Give the authorization token Klarna's widget answered (at most 255 characters)."];
        AddressErrors(errors, "billingAddress", request.BillingAddress, request.Country, required: true);
        AddressErrors(errors, "shippingAddress", request.ShippingAddress, request.Country, required: false);
        return errors;
    }

    public async Task<KlarnaSessionResponse> CreateSessionAsync(string channelCode, KlarnaSessionRequest request, CancellationToken cancellationToken)
    {
        var service = await ReadyServiceAsync(channelCode, cancellationToken);
        try
        {
            var session = await connections.Client().CreateSessionAsync(connections.Credentials(service), Purchase(request.OrderNumber!, request.Currency!, request.Country!, request.Locale, request.Lines!), cancellationToken);
            return new KlarnaSessionResponse(session.SessionId, session.ClientToken, [.. session.PaymentMethodCategories.Select(c => new KlarnaShopCategory(c.Identifier, c.Name))]);
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

    public async Task<PlaceOrderOutcome> PlaceOrderAsync(string channelCode, KlarnaOrderRequest request, byte[] body, CancellationToken cancellationToken)
    {
        var service = await ReadyServiceAsync(channelCode, cancellationToken);
        var orderNumber = request.OrderNumber!.Trim();
        var fingerprint = Convert.ToHexString(SHA256.HashData(body));
        KlarnaRestOrderClaim claim;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            if (await db.KlarnaRestOrderClaims.AsNoTracking().SingleOrDefaultAsync(c => c.ChannelId == service.ChannelId && c.OrderNumber == orderNumber, cancellationToken) is { } earlier)
            {
                if (earlier.Fingerprint != fingerprint)
                    return new PlaceOrderOutcome(409, Problem: $"Order {orderNumber} was placed with another request; a request may only be sent again unchanged.");
                if (earlier.TransactionId is { } stored)
                    return new PlaceOrderOutcome(200, await ResponseAsync(db, stored, cancellationToken));
                claim = earlier;
            }
            else
            {
                if (await db.Transactions.AnyAsync(t => t.ChannelId == service.ChannelId && t.OrderNumber == orderNumber, cancellationToken))
                    return new PlaceOrderOutcome(409, Problem: $"This channel has an order {orderNumber} already.");
                claim = new KlarnaRestOrderClaim(service.ChannelId, orderNumber, fingerprint, request.AuthorizationToken!, time.GetUtcNow());
                db.KlarnaRestOrderClaims.Add(claim);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    return new PlaceOrderOutcome(409, Problem: $"Order {orderNumber} is being placed by another request right now; send it again in a moment.");
                }
            }
        }

        var credentials = connections.Credentials(service);
        var client = connections.Client();
        var purchase = Purchase(orderNumber, request.Currency!, request.Country!, request.Locale, request.Lines!) with
        {
            BillingAddress = Address(request.BillingAddress!), ShippingAddress = Address(request.ShippingAddress ?? request.BillingAddress!),
            MerchantUrls = new KlarnaMerchantUrls { Notification = publicAddress.Of($"notify/klarna/{Uri.EscapeDataString(channelCode)}").ToString() },
        };
        KlarnaPlacedOrder placed;
        try
        {
            placed = await client.PlaceOrderAsync(credentials, claim.AuthorizationToken, purchase, CancellationToken.None);
        }
        catch (Exception e) when (e is KlarnaRestRefusedException or KlarnaRestUnavailableException)
        {
            // Nothing was placed: the order number is free again (a refused authorization needs a new one from the customer).
            await ReleaseAsync(claim.Id);
            return e is KlarnaRestRefusedException refused
                ? new PlaceOrderOutcome(422, Problem: $"Klarna did not place the order: {refused.Error.Text} ({refused.Error.ErrorCode}). Have the customer authorize again.")
                : new PlaceOrderOutcome(503, Problem: $"Klarna could not be reached; nothing was placed: {e.Message}");
        }
        catch (KlarnaRestOutcomeUnknownException e)
        {
            return new PlaceOrderOutcome(503, Problem: $"Klarna's answer was lost ({e.Message}). Send the same request again: Klarna places one order per authorization and answers it.");
        }

        var now = time.GetUtcNow();
        var expiresAt = now.AddDays(28);
        try
        {
            expiresAt = (await client.GetOrderAsync(credentials, placed.OrderId, CancellationToken.None)).ExpiresAt ?? expiresAt;
        }
        catch (KlarnaRestException)
        {
            // Klarna's default authorization time stands until the order is read again.
        }
        var billing = Books(request.BillingAddress!);
        var transaction = Transaction.AuthorizedInShop(service.ChannelId, KlarnaRestModule.KlarnaPaymentsDirect, service.Environment, credentials.Username, placed.OrderId, null,
            orderNumber, request.Currency!.ToUpperInvariant(), request.Country!.ToUpperInvariant(), purchase.OrderAmount,
            [.. request.Lines!.Select(l => new TransactionLine(l.ArticleNumber!.Trim(), l.Title!.Trim(), l.Quantity, l.UnitPrice, l.VatPercent,
                LineFlags.IncludesVat | (l.IsShipment ? LineFlags.IsShipment : 0)))],
            new TransactionCustomer($"{billing.FirstName} {billing.LastName}".Trim(), billing.Email, ""), billing, request.ShippingAddress is { } shipping ? Books(shipping) : billing,
            now, expiresAt, placed.FraudStatus switch
            {
                KlarnaFraudStatus.Pending => AuthorizationStatus.Pending,
                KlarnaFraudStatus.Rejected or KlarnaFraudStatus.Stopped => AuthorizationStatus.Denied,
                _ => AuthorizationStatus.Accepted,
            });
        await journal.OpenAsync(transaction, db => db.KlarnaRestOrderClaims.Attach(claim).Entity.Stored(transaction.Id));
        await AcknowledgeAsync(client, credentials, transaction);
        return new PlaceOrderOutcome(201, new KlarnaOrderResponse(transaction.Id, orderNumber, placed.OrderId, transaction.State, placed.FraudStatus));
    }

    /// <summary>
    /// Tells Klarna the order is in the merchant's books, as integrations do once an order is theirs. Not a money
    /// change, and a capture acknowledges it too: a failure is logged and changes nothing here.
    /// </summary>
    private async Task AcknowledgeAsync(KlarnaRestClient client, KlarnaRestCredentials credentials, Transaction transaction)
    {
        try
        {
            await client.AcknowledgeAsync(credentials, transaction.Reference, KlarnaIdempotencyKey.For(credentials.Username, transaction.Id), CancellationToken.None);
        }
        catch (KlarnaRestException e)
        {
            LogNotAcknowledged(transaction.Reference, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Klarna order {OrderId} is in the books but could not be acknowledged: {Reason}")]
    private partial void LogNotAcknowledged(string orderId, string reason);

    private async Task<KlarnaRestService> ReadyServiceAsync(string channelCode, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.KlarnaRestServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new BusinessRuleException("Klarna Payments (direct) is not set up for this channel.");
        return service.NotReadyForShop is { } reason ? throw new BusinessRuleException(reason) : service;
    }

    private async Task ReleaseAsync(int claimId)
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.KlarnaRestOrderClaims.Where(c => c.Id == claimId).ExecuteDeleteAsync();
    }

    private static async Task<KlarnaOrderResponse> ResponseAsync(BackOfficeDbContext db, Guid transactionId, CancellationToken cancellationToken)
    {
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId, cancellationToken);
        var fraud = transaction.State == TransactionState.Pending ? KlarnaFraudStatus.Pending : transaction.State == TransactionState.Denied ? KlarnaFraudStatus.Rejected : KlarnaFraudStatus.Accepted;
        return new KlarnaOrderResponse(transaction.Id, transaction.OrderNumber, transaction.Reference, transaction.State, fraud);
    }

    private static KlarnaPurchase Purchase(string orderNumber, string currency, string country, string? locale, IReadOnlyList<KlarnaShopLine> lines)
    {
        var klarnaLines = lines.Select(l => KlarnaRestOrders.Line(new TransactionLine(l.ArticleNumber!.Trim(), l.Title!.Trim(), l.Quantity, l.UnitPrice, l.VatPercent,
            l.IsShipment ? LineFlags.IsShipment : 0), l.Quantity)).ToList();
        return new KlarnaPurchase
        {
            PurchaseCountry = country.ToUpperInvariant(), PurchaseCurrency = currency.ToUpperInvariant(), Locale = locale, OrderAmount = klarnaLines.Sum(l => l.TotalAmount),
            OrderTaxAmount = klarnaLines.Sum(l => l.TotalTaxAmount ?? 0), OrderLines = klarnaLines, MerchantReference1 = orderNumber.Trim(),
        };
    }

    private static KlarnaAddress Address(ApiAddress address) => new()
    {
        GivenName = address.FirstName?.Trim(), FamilyName = address.LastName?.Trim(), OrganizationName = address.Company is { Length: > 0 } company ? company.Trim() : null,
        StreetAddress = $"{address.Street} {address.HouseNumber}".Trim(), PostalCode = address.PostalCode?.Trim(), City = address.City?.Trim(),
        Country = address.Country?.Trim().ToUpperInvariant(), Email = address.Email is { Length: > 0 } email ? email.Trim() : null, Phone = address.Phone is { Length: > 0 } phone ? phone.Trim() : null,
    };

    private static TransactionAddress Books(ApiAddress address) => new(address.FirstName?.Trim() ?? "", address.LastName?.Trim() ?? "", address.Company?.Trim() ?? "",
        address.Street?.Trim() ?? "", address.HouseNumber?.Trim() ?? "", address.PostalCode?.Trim() ?? "", address.City?.Trim() ?? "",
        address.Country?.Trim().ToUpperInvariant() ?? "", address.Email?.Trim() ?? "", address.Phone?.Trim() ?? "");

    private static Dictionary<string, string[]> Errors(string? orderNumber, string? currency, string? country, string? locale, IReadOnlyList<KlarnaShopLine>? lines)
    {
        var errors = new Dictionary<string, string[]>();
        if (orderNumber?.Trim() is not { Length: > 0 and <= 100 })
            errors["orderNumber"] = ["Give the shop's order number (at most 100 characters)."];
        if (currency?.ToUpperInvariant() is not { } c || !Currencies.Contains(c))
            errors["currency"] = [$"Klarna takes {string.Join(", ", Currencies)}."];
        if (country?.ToUpperInvariant() is not { } k || !Countries.Contains(k))
            errors["country"] = [$"Klarna Payments is offered in {string.Join(", ", Countries)}."];
        if (locale is not null && (locale.Length is < 2 or > 10 || !locale.All(ch => char.IsAsciiLetter(ch) || ch == '-')))
            errors["locale"] = ["A locale is written as en-US or de-DE."];
        if (lines is not { Count: > 0 and <= 1000 })
            errors["lines"] = ["Give the basket's lines (1 to 1000)."];
        else
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (line.ArticleNumber?.Trim() is not { Length: > 0 and <= 255 } || line.Title?.Trim() is not { Length: > 0 and <= 255 })
                    errors[$"lines[{i}]"] = ["Each line needs an article number and a title (at most 255 characters each)."];
                else if (line.Quantity is < 1 or > 100_000 || line.UnitPrice is < 0 or > 200_000_000 || line.VatPercent is < 0 or > 100)
                    errors[$"lines[{i}]"] = ["A quantity is 1 to 100000, a unit price 0 to 200000000 minor units, VAT 0 to 100 percent."];
            }
            if (!errors.Keys.Any(k => k.StartsWith("lines", StringComparison.Ordinal)))
            {
                if (lines.Select(l => l.ArticleNumber!.Trim()).GroupBy(a => a).Any(g => g.Count() > 1))
                    errors["lines"] = ["Every line needs its own article number."];
                else if (lines.Sum(l => (long)l.Quantity * l.UnitPrice) is <= 0 or > 200_000_000)
                    errors["lines"] = ["The basket's total is more than nothing and at most 200000000 minor units."];
            }
        }
        return errors;
    }

    private static void AddressErrors(Dictionary<string, string[]> errors, string name, ApiAddress? address, string? country, bool required)
    {
        if (address is null)
        {
            if (required)
                errors[name] = ["Give the customer's billing address."];
            return;
        }
        var problems = new List<string>();
        if (address.FirstName?.Trim() is not { Length: > 0 } || address.LastName?.Trim() is not { Length: > 0 })
            problems.Add("Give the first and the last name.");
        if (address.Street?.Trim() is not { Length: > 0 } || address.PostalCode?.Trim() is not { Length: > 0 } || address.City?.Trim() is not { Length: > 0 })
            problems.Add("Give the street, the postal code and the city.");
        if (!string.Equals(address.Country?.Trim(), country, StringComparison.OrdinalIgnoreCase))
            problems.Add("The address is in the country the order is placed in.");
        if (address.Email is { Length: > 0 } email && !FieldRules.IsEmail(email.Trim()))
            problems.Add($"'{email}' is not an e-mail address.");
        if ((address.FirstName?.Length ?? 0) > FieldRules.Name || (address.LastName?.Length ?? 0) > FieldRules.Name || (address.Street?.Length ?? 0) > FieldRules.Street
            || (address.PostalCode?.Length ?? 0) > FieldRules.PostalCode || (address.City?.Length ?? 0) > FieldRules.City || (address.Company?.Length ?? 0) > FieldRules.Company)
            problems.Add("A field of the address is too long.");
        if (problems.Count > 0)
            errors[name] = [.. problems];
    }
}
