using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.ShopApi;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>Klarna (Sofort) via ECommPay in the shop API: offered when the channel's service is ready, for its countries, currencies and amounts; its payment endpoint.</summary>
public sealed class ECommPayShopOffer : IShopApiOffer
{
    public async Task<IReadOnlyList<ServiceOption>> OptionsAsync(BackOfficeDbContext db, Channel channel, Basket basket, CancellationToken cancellationToken)
    {
        var service = await db.ECommPayServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channel.Id, cancellationToken);
        var reason = service is null ? "Klarna (Sofort) via ECommPay is not set up for this channel."
            : service.NotReadyForShop?.ToString()
            ?? (!ECommPayCheckout.Currencies.Contains(basket.Currency) ? $"Sofort takes {string.Join(", ", ECommPayCheckout.Currencies)}, not {basket.Currency}."
            : !ECommPayModule.Countries.Contains(basket.BillingAddress.Country) ? $"Sofort is not offered in {basket.BillingAddress.Country}."
            : basket.Amount is < ECommPayCheckout.MinimumAmount or > ECommPayCheckout.MaximumAmount ? "Sofort takes 1.00 to 5,000.00 per payment." : null);
        return [new ServiceOption(ECommPayModule.KlarnaSofort, reason is null ? Applicability.Applicable : Applicability.NotApplicable, reason is null ? [] : [reason], [])];
    }

    public void MapEndpoints(RouteGroupBuilder channel) =>
        channel.MapPost("/ecommpay/payments", async (string code, HttpContext context, ECommPayCheckout checkout) =>
            {
                if (ShopApiChecks.Refusal(context, code) is { } refusal)
                    return refusal;
                var (request, _, malformed) = await ShopApiJson.ReadAsync<SofortPaymentRequest>(context, "ecommpay/payments");
                if (malformed is not null)
                    return malformed;
                if (ECommPayCheckout.Errors(request!) is { Count: > 0 } errors)
                    return Results.ValidationProblem(errors, detail: "The payment is not valid; see errors. Nothing was stored.");
                try
                {
                    var payment = await checkout.StartAsync(code, request!, context.RequestAborted);
                    return Results.Created($"/api/v1/channels/{code}/ecommpay/payments/{payment.PaymentId}", payment);
                }
                catch (BusinessRuleException e)
                {
                    return Results.Problem(title: "Not possible", statusCode: StatusCodes.Status422UnprocessableEntity, detail: e.Message);
                }
            })
            .WithName("SofortPayments").WithSummary("Starts a Klarna (Sofort) payment through ECommPay: the signed payment page the shop redirects its customer to")
            .Accepts<SofortPaymentRequest>("application/json")
            .Produces<SofortPaymentResponse>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(422).ProducesProblem(429);
}
