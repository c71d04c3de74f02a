using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.PClasses;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ShopApi;

public sealed record ApiCustomer(string? PersonalNumber, Gender? Gender, string? Email, string? Phone);

public sealed record ApiLine(string? ArticleNumber, string? Title, int Quantity, long UnitPrice, decimal VatPercent, decimal DiscountPercent = 0, bool IsShipment = false, bool IsHandling = false);

public sealed record ReservationRequest(
    string? OrderNumber, ServiceKind? Service, int? PClass, long? Amount, string? Currency, ApiCustomer? Customer,
    ApiAddress? BillingAddress, ApiAddress? ShippingAddress, IReadOnlyList<ApiLine>? Lines, string? ClientIp,
    PriceDisplay? PriceDisplay = ShopApi.PriceDisplay.Gross, int? ShippingDestinations = 1, bool CoveredByOtherInstrument = false, bool DigitalGoodsOnly = false);

public sealed record ReservationResponse(Guid Id, string OrderNumber, string ReservationNumber, TransactionState State);

/// <summary><c>POST /api/v1/channels/{code}/reservations</c>: checks, reserves at Klarna and stores the transaction.</summary>
internal static class ReservationEndpoint
{
    public static async Task<IResult> HandleAsync(string code, HttpContext context, IDbContextFactory<BackOfficeDbContext> databases,
        ReservationService reservations, IKlarnaGateway gateway, PClassFileStore pclasses,
        IOptions<KlarnaOptions> options, IOptions<JsonOptions> json, SharedSecretProtector secrets, TimeProvider time)
    {
        if (ShopApiChecks.Refusal(context, code) is { } refusal)
            return refusal;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        ReservationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ReservationRequest>(buffer.ToArray(), json.Value.SerializerOptions);
        }
        catch (JsonException e)
        {
            return Results.Problem(title: "Not valid JSON", statusCode: 400, detail: $"The body is not a reservation: {e.Message}");
        }
        if (request is null)
            return Results.Problem(title: "Not valid JSON", statusCode: 400, detail: "Send the reservation as a JSON object.");
        var errors = ReservationValidation.Errors(request);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, detail: "The reservation is not valid; see errors. Nothing was stored.");

        await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
        var channel = await db.Channels.AsNoTracking().SingleAsync(c => c.Code == code, context.RequestAborted);
        var fingerprint = Convert.ToHexString(SHA256.HashData(buffer.ToArray()));
        var orderNumber = request.OrderNumber!.Trim();
        if (await db.Set<IdempotentReservation>().AsNoTracking().SingleOrDefaultAsync(r => r.ChannelId == channel.Id && r.OrderNumber == orderNumber, context.RequestAborted) is { } earlier)
        {
            return earlier.Fingerprint != fingerprint
                ? Results.Problem(title: "Conflict", statusCode: 409, detail: $"Order {orderNumber} was reserved already with other content.")
                : earlier.Status is { } status
                    ? Results.Text(earlier.Body!, status >= 400 ? "application/problem+json" : "application/json", Encoding.UTF8, status)
                    : Results.Problem(title: "Conflict", statusCode: 409, detail: $"A request for order {orderNumber} is being handled; send it again in a moment.");
        }

        // Checks that need no call to Klarna come first: a refused request stores nothing.
        var service = channel.Service(request.Service!.Value);
        var basket = ReservationValidation.Basket(request);
        var country = Enum.Parse<KlarnaCountry>(basket.BillingAddress.Country);
        var currency = Enum.Parse<KlarnaCurrency>(request.Currency!);
        var eidPClasses = await pclasses.OfferableAsync(service.MerchantId, country, currency, context.RequestAborted);
        var applicability = ApplicabilityRules.Evaluate(request.Service.Value, service.Settings, basket, options.Value, eidPClasses.Count > 0);
        if (applicability.Applicability == Applicability.NotApplicable)
            return Unprocessable($"{ServiceNames.Of(request.Service.Value)} cannot be used for this order.", applicability.Reasons);
        if (request.Service == ServiceKind.Installments && !eidPClasses.Any(p => p.Id == request.PClass))
            return Unprocessable($"PClass {request.PClass} is not one of this channel's for {country}/{currency}.", []);
        if (options.Value.SsnCheckCountries.Contains(country.ToString()))
        {
            var problem = await SsnCheckAsync(gateway, secrets.Credentials(service), request.Customer!.PersonalNumber!, basket.BillingAddress, options.Value.NoAddressFails, context.RequestAborted);
            if (problem is not null)
                return problem;
        }

        var claim = new IdempotentReservation(channel.Id, orderNumber, fingerprint, time.GetUtcNow());
        db.Add(claim);
        try
        {
            await db.SaveChangesAsync(context.RequestAborted);
        }
        catch (DbUpdateException)
        {
            return Results.Problem(title: "Conflict", statusCode: 409, detail: $"A request for order {orderNumber} is being handled; send it again in a moment.");
        }

        int statusCode;
        object body;
        try
        {
            var transaction = await reservations.ReserveAsync(ReservationValidation.Order(code, request), context.RequestAborted);
            var response = new ReservationResponse(transaction.Id, transaction.OrderNumber, transaction.ReservationNumber, transaction.State);
            (statusCode, body) = transaction.State == TransactionState.Denied
                ? (402, (object)new { title = "Payment Required", status = 402, detail = "Klarna denied the reservation (fault 2101).", id = transaction.Id, state = transaction.State })
                : (201, response);
        }
        catch (KlarnaFaultException fault)
        {
            db.Remove(claim);
            await db.SaveChangesAsync(CancellationToken.None);
            return Unprocessable($"Klarna refused the reservation: fault {fault.RawCode} ({fault.FaultString}).", [], fault.RawCode);
        }
        catch (KlarnaException e)
        {
            db.Remove(claim);
            await db.SaveChangesAsync(CancellationToken.None);
            return Results.Problem(title: "Klarna did not answer", statusCode: 503, detail: $"{e.Message} Nothing was stored; send the request again.");
        }

        var text = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
        claim.Answer(statusCode, text);
        await db.SaveChangesAsync(CancellationToken.None);
        return Results.Text(text, statusCode >= 400 ? "application/problem+json" : "application/json", Encoding.UTF8, statusCode);
    }

    /// <summary>Sweden's check: Klarna's registered addresses for the personal number must include the billing address.</summary>
    private static async Task<IResult?> SsnCheckAsync(IKlarnaGateway gateway, KlarnaCredentials credentials, string personalNumber, BasketAddress billing, bool noAddressFails, CancellationToken cancellationToken)
    {
        IReadOnlyList<RegisteredAddress> registered;
        try
        {
            registered = await gateway.GetAddressesAsync(credentials, personalNumber, cancellationToken: cancellationToken);
        }
        catch (KlarnaException e)
        {
            return Results.Problem(title: "Address check failed", statusCode: 503, detail: $"Klarna's address check did not answer ({e.Message}); send the request again.");
        }
        if (registered.Count == 0)
            return noAddressFails ? Unprocessable("Klarna has no address for this personal number.", []) : null;
        var differences = registered.Select(r => Differences(r, billing)).OrderBy(d => d.Count).First();
        return differences.Count == 0 ? null
            : Unprocessable("The billing address is not the one registered for this personal number.", differences);
    }

    private static List<string> Differences(RegisteredAddress registered, BasketAddress billing)
    {
        var street = $"{billing.Street} {billing.HouseNumber}".Trim();
        return new[]
        {
            ("first name", registered.FirstName, billing.FirstName), ("last name", registered.LastName, billing.LastName),
            ("street", registered.Street, street), ("postal code", registered.PostalCode.Replace(" ", "", StringComparison.Ordinal), billing.PostalCode.Replace(" ", "", StringComparison.Ordinal)),
            ("city", registered.City, billing.City),
        }.Where(f => !string.Equals(f.Item2.Trim(), f.Item3.Trim(), StringComparison.OrdinalIgnoreCase))
         .Select(f => $"{f.Item1}: registered '{f.Item2}', sent '{f.Item3}'").ToList();
    }

    private static IResult Unprocessable(string detail, IReadOnlyList<string> reasons, int? faultCode = null) =>
        Results.Problem(title: "Unprocessable reservation", statusCode: 422, detail: detail,
            extensions: new Dictionary<string, object?> { ["reasons"] = reasons, ["faultCode"] = faultCode });
}
