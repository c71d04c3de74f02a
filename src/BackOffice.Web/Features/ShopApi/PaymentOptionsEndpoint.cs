using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.PClasses;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ShopApi;

public sealed record ApiAddress(
    string? FirstName, string? LastName, string? Company, string? Street, string? HouseNumber, string? CareOf,
    string? PostalCode, string? City, string? Country, string? Phone, string? Email);

public sealed record PaymentOptionsRequest(
    long? Amount, string? Currency, PriceDisplay? PriceDisplay, ApiAddress? BillingAddress, ApiAddress? ShippingAddress,
    int? ShippingDestinations, bool CoveredByOtherInstrument = false, bool DigitalGoodsOnly = false);

public sealed record PClassOption(int Id, string Description, PClassType Type, int Months, long? MonthlyPayment, long TotalCost);

public sealed record ServiceOption(ServiceKind Service, Applicability Applicability, IReadOnlyList<string> Reasons,
    [property: System.Text.Json.Serialization.JsonPropertyName("pclasses")] IReadOnlyList<PClassOption> PClasses);

public sealed record PaymentOptionsResponse(IReadOnlyList<ServiceOption> Services);

/// <summary>
/// <c>POST /api/v1/channels/{code}/payment-options</c>: which Klarna services a basket may use, and why not — the legacy
/// Invoice and Installments, and Klarna Payments through Computop.
/// </summary>
internal static class PaymentOptionsEndpoint
{
    public static async Task<IResult> HandleAsync(string code, HttpContext context,
        IDbContextFactory<BackOfficeDbContext> databases, PClassFileStore pclasses, IOptions<KlarnaOptions> options, TimeProvider time)
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
        foreach (var kind in (ServiceKind[])[ServiceKind.Invoice, ServiceKind.Installments])
        {
            var service = channel.Service(kind);
            var offered = await OfferedPClassesAsync(pclasses, service.MerchantId, kind, basket, time);
            var applicability = ApplicabilityRules.Evaluate(kind, service.Settings, basket, options.Value, offered.Count > 0, service.NotReadyForShop?.ToString());
            services.Add(new ServiceOption(kind, applicability.Applicability, applicability.Reasons,
                kind == ServiceKind.Installments && applicability.Applicability != Applicability.NotApplicable ? offered : []));
        }
        var computop = await db.ComputopServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channel.Id, context.RequestAborted);
        services.Add(KlarnaPaymentsOption(computop, basket));
        return Results.Ok(new PaymentOptionsResponse(services));
    }

    /// <summary>
    /// Klarna Payments through Computop: offered when the channel's service is ready and Paygate takes the currency for
    /// captures and refunds. Klarna itself decides in the shop's checkout, so the basket is not judged further here.
    /// </summary>
    private static ServiceOption KlarnaPaymentsOption(ComputopService? service, Basket basket)
    {
        string[] followUpCurrencies = ["AUD", "CHF", "DKK", "EUR", "GBP", "NOK", "SEK", "USD"];
        var reason = service is null ? "Klarna Payments (Computop) is not set up for this channel."
            : service.NotReadyForShop?.ToString()
            ?? (!followUpCurrencies.Contains(basket.Currency) ? $"Computop captures and refunds Klarna Payments in {string.Join(", ", followUpCurrencies)}, not {basket.Currency}." : null);
        return new ServiceOption(ServiceKind.KlarnaPayments, reason is null ? Applicability.Applicable : Applicability.NotApplicable, reason is null ? [] : [reason], []);
    }

    /// <summary>The merchant's PClasses for the basket's country and currency that can pay its amount, with their cost.</summary>
    private static async Task<IReadOnlyList<PClassOption>> OfferedPClassesAsync(PClassFileStore files, int? eid, ServiceKind kind, Basket basket, TimeProvider time)
    {
        if (kind != ServiceKind.Installments
            || !Enum.TryParse<KlarnaCountry>(basket.BillingAddress.Country, out var country) || !Enum.TryParse<KlarnaCurrency>(basket.Currency, out var currency))
            return [];
        var stored = await files.OfferableAsync(eid, country, currency);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return [.. stored
            .Select(p => (PClass: p, Quote: InstallmentCalculator.Quote(p, basket.Amount, today)))
            .Where(q => q.Quote.IsAvailable)
            .Select(q => new PClassOption(q.PClass.Id, q.PClass.Description, q.PClass.Type, q.PClass.Months, q.Quote.MonthlyPayment, q.Quote.TotalCost))];
    }
}
