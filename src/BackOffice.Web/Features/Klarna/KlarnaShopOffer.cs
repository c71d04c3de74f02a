using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna.PClasses;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Klarna Invoice and Installments in the shop API: whether each may be offered (with the PClasses it would use), and reservations.</summary>
public sealed class KlarnaShopOffer(PClassFileStore pclasses, IOptions<KlarnaOptions> options, TimeProvider time) : IShopApiOffer
{
    public async Task<IReadOnlyList<ServiceOption>> OptionsAsync(BackOfficeDbContext db, Channel channel, Basket basket, CancellationToken cancellationToken)
    {
        var services = new List<ServiceOption>();
        foreach (var kind in KlarnaModule.Services)
        {
            var service = await db.PaymentServiceAsync(channel.Id, kind, cancellationToken);
            var offered = await OfferedPClassesAsync(service.MerchantId, kind, basket);
            var applicability = ApplicabilityRules.Evaluate(kind, service.Settings, basket, options.Value, offered.Count > 0, service.NotReadyForShop?.ToString());
            services.Add(new ServiceOption(kind, applicability.Applicability, applicability.Reasons,
                kind == KlarnaModule.Installments && applicability.Applicability != Applicability.NotApplicable ? offered : []));
        }
        return services;
    }

    public void MapEndpoints(RouteGroupBuilder channel) =>
        channel.MapPost("/reservations", ReservationEndpoint.HandleAsync)
            .WithName("Reservations").WithSummary("Reserves an order's amount at Klarna and stores the transaction; idempotent by order number")
            .Accepts<ReservationRequest>("application/json")
            .Produces<ReservationResponse>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(402).ProducesProblem(403)
            .ProducesProblem(409).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503);

    private async Task<IReadOnlyList<PlanOption>> OfferedPClassesAsync(int? eid, ServiceKind kind, Basket basket)
    {
        if (kind != KlarnaModule.Installments
            || !Enum.TryParse<KlarnaCountry>(basket.BillingAddress.Country, out var country) || !Enum.TryParse<KlarnaCurrency>(basket.Currency, out var currency))
            return [];
        var stored = await pclasses.OfferableAsync(eid, country, currency);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return [.. stored
            .Select(p => (PClass: p, Quote: InstallmentCalculator.Quote(p, basket.Amount, today)))
            .Where(q => q.Quote.IsAvailable)
            .Select(q => new PlanOption(q.PClass.Id, q.PClass.Description, q.PClass.Type.ToString(), q.PClass.Months, q.Quote.MonthlyPayment, q.Quote.TotalCost))];
    }
}
