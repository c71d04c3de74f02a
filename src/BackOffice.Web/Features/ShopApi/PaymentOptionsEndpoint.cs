using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ShopApi;

public sealed record ApiAddress(
    string? FirstName, string? LastName, string? Company, string? Street, string? HouseNumber, string? CareOf,
    string? PostalCode, string? City, string? Country, string? Phone, string? Email);

public sealed record PaymentOptionsRequest(
    long? Amount, string? Currency, PriceDisplay? PriceDisplay, ApiAddress? BillingAddress, ApiAddress? ShippingAddress,
    int? ShippingDestinations, bool CoveredByOtherInstrument = false, bool DigitalGoodsOnly = false);

/// <summary>A part-payment plan the service offers for the basket, with what it costs the customer (minor units).</summary>
public sealed record PlanOption(int Id, string Description, string Type, int Months, long? MonthlyPayment, long TotalCost);

/// <summary>One service's answer; its plans keep the shop API's published name, <c>pclasses</c>, as shops read it.</summary>
public sealed record ServiceOption(ServiceKind Service, Applicability Applicability, IReadOnlyList<string> Reasons,
    [property: System.Text.Json.Serialization.JsonPropertyName("pclasses")] IReadOnlyList<PlanOption> Plans);

public sealed record PaymentOptionsResponse(IReadOnlyList<ServiceOption> Services);

/// <summary>
/// <c>POST /api/v1/channels/{code}/payment-options</c>: which services a basket may use, and why not, as each
/// provider module's offer answers.
/// </summary>
internal static class PaymentOptionsEndpoint
{
    public static async Task<IResult> HandleAsync(string code, HttpContext context, IDbContextFactory<BackOfficeDbContext> databases, [FromServices] IEnumerable<IShopApiOffer> offers)
    {
        if (ShopApiChecks.Refusal(context, code) is { } refusal)
            return refusal;
        var (read, _, malformed) = await ShopApiJson.ReadAsync<PaymentOptionsRequest>(context, "payment-options");
        if (malformed is not null)
            return malformed;
        var request = read!;
        var errors = BasketValidation.Errors(request);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, detail: "The basket is not valid; see errors.");

        await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
        var channel = await db.Channels.AsNoTracking().SingleAsync(c => c.Code == code, context.RequestAborted);
        var basket = BasketValidation.Basket(request);
        var services = new List<ServiceOption>();
        foreach (var offer in offers)
            services.AddRange(await offer.OptionsAsync(db, channel, basket, context.RequestAborted));
        return Results.Ok(new PaymentOptionsResponse(services));
    }
}
