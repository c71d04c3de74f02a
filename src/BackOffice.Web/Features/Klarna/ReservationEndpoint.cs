using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Klarna.PClasses;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

public sealed record ApiCustomer(string? PersonalNumber, Gender? Gender, string? Email, string? Phone);

public sealed record ApiLine(string? ArticleNumber, string? Title, int Quantity, long UnitPrice, decimal VatPercent, decimal DiscountPercent = 0, bool IsShipment = false, bool IsHandling = false);

public sealed record ReservationRequest(
    string? OrderNumber, ServiceKind? Service, int? PClass, long? Amount, string? Currency, ApiCustomer? Customer,
    ApiAddress? BillingAddress, ApiAddress? ShippingAddress, IReadOnlyList<ApiLine>? Lines, string? ClientIp,
    PriceDisplay? PriceDisplay = ShopApi.PriceDisplay.Gross, int? ShippingDestinations = 1, bool CoveredByOtherInstrument = false, bool DigitalGoodsOnly = false);

/// <param name="Notices">What was changed to suit Klarna, e.g. characters removed from product titles.</param>
public sealed record ReservationResponse(Guid Id, string OrderNumber, string ReservationNumber, TransactionState State, IReadOnlyList<string> Notices);

/// <summary><c>POST /api/v1/channels/{code}/reservations</c>: checks, reserves at Klarna and stores the transaction.</summary>
internal static class ReservationEndpoint
{
    public static async Task<IResult> HandleAsync(string code, HttpContext context, IDbContextFactory<BackOfficeDbContext> databases,
        ReservationService reservations, IKlarnaGateway gateway, PClassFileStore pclasses,
        IOptions<KlarnaOptions> options, IOptions<JsonOptions> json, SharedSecretProtector secrets)
    {
        if (ShopApiChecks.Refusal(context, code) is { } refusal)
            return refusal;
        var (read, received, malformed) = await ShopApiJson.ReadAsync<ReservationRequest>(context, "reservations");
        if (malformed is not null)
            return malformed;
        var request = read!;
        var errors = ReservationValidation.Errors(request);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, detail: "The reservation is not valid; see errors. Nothing was stored.");

        if (ReservationValidation.CharacterProblems(request) is { Count: > 0 } characters)
            return Unprocessable("Klarna takes only Latin-1 characters in names and addresses; nothing was stored or sent.", characters);

        await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
        var channel = await db.Channels.AsNoTracking().SingleAsync(c => c.Code == code, context.RequestAborted);
        var fingerprint = Convert.ToHexString(SHA256.HashData(received));
        var orderNumber = request.OrderNumber!.Trim();
        if (await db.ReservationClaims.AsNoTracking().SingleOrDefaultAsync(r => r.ChannelId == channel.Id && r.OrderNumber == orderNumber, context.RequestAborted) is null)
        {
            // Checks that need no call to Klarna come first: a refused request stores nothing. A request sent again skips them.
            var service = await db.PaymentServiceAsync(channel.Id, request.Service!.Value, context.RequestAborted);
            var basket = ReservationValidation.Basket(request);
            var country = Enum.Parse<KlarnaCountry>(basket.BillingAddress.Country);
            var currency = Enum.Parse<KlarnaCurrency>(request.Currency!);
            var eidPClasses = await pclasses.OfferableAsync(service.MerchantId, country, currency, context.RequestAborted);
            var applicability = ApplicabilityRules.Evaluate(request.Service.Value, service.Settings, basket, options.Value, eidPClasses.Count > 0, service.NotReadyForShop?.ToString());
            if (applicability.Applicability == Applicability.NotApplicable)
                return Unprocessable($"{request.Service.Value.Name} cannot be used for this order.", applicability.Reasons);
            if (request.Service == KlarnaModule.Installments && !eidPClasses.Any(p => p.Id == request.PClass))
                return Unprocessable($"PClass {request.PClass} is not one of this channel's for {country}/{currency}.", []);
            if (options.Value.SsnCheckCountries.Contains(country.ToString()))
            {
                var problem = await SsnCheckAsync(gateway, secrets.Credentials(service), request.Customer!.PersonalNumber!, basket.BillingAddress, options.Value.NoAddressFails, context.RequestAborted);
                if (problem is not null)
                    return problem;
            }
        }

        ReservationOutcome outcome;
        try
        {
            outcome = await reservations.ReserveAsync(ReservationValidation.Order(code, request), fingerprint, CancellationToken.None);
        }
        catch (BusinessRuleException e)
        {
            return Unprocessable(e.Message, []);
        }
        switch (outcome)
        {
            case ReservationOutcome.Replayed replay:
                return Results.Text(replay.Body, replay.Status >= 400 ? "application/problem+json" : "application/json", Encoding.UTF8, replay.Status);
            case ReservationOutcome.Conflict conflict:
                return Results.Problem(title: "Conflict", statusCode: 409, detail: conflict.Detail);
            case ReservationOutcome.Refused refused:
                return Unprocessable($"Klarna refused the reservation: fault {refused.Fault.RawCode} ({refused.Fault.FaultString}).", [], refused.Fault.RawCode);
            case ReservationOutcome.NotReserved notReserved:
                return Results.Problem(title: "Klarna did not answer", statusCode: 503, detail: notReserved.Detail);
        }
        var transaction = ((ReservationOutcome.Stored)outcome).Transaction;
        var notices = ReservationValidation.Notices(request);
        var (statusCode, body) = transaction.State == TransactionState.Denied
            ? (402, (object)new { title = "Payment Required", status = 402, detail = "Klarna denied the reservation (fault 2101).", id = transaction.Id, state = transaction.State })
            : (201, new ReservationResponse(transaction.Id, transaction.OrderNumber, transaction.Reference, transaction.State, notices));
        var text = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
        await reservations.RecordAnswerAsync(code, orderNumber, statusCode, text);
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
