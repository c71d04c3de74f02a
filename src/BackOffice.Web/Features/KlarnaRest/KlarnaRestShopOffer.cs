using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.ShopApi;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>Klarna Payments (direct) in the shop API: offered when the channel's service is ready, for Klarna's countries and currencies; its session and order endpoints.</summary>
public sealed class KlarnaRestShopOffer : IShopApiOffer
{
    public async Task<IReadOnlyList<ServiceOption>> OptionsAsync(BackOfficeDbContext db, Channel channel, Basket basket, CancellationToken cancellationToken)
    {
        var service = await db.KlarnaRestServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channel.Id, cancellationToken);
        var reason = service is null ? "Klarna Payments (direct) is not set up for this channel."
            : service.NotReadyForShop?.ToString()
            ?? (!KlarnaRestCheckout.Currencies.Contains(basket.Currency) ? $"Klarna takes {string.Join(", ", KlarnaRestCheckout.Currencies)}, not {basket.Currency}."
            : !KlarnaRestCheckout.Countries.Contains(basket.BillingAddress.Country) ? $"Klarna Payments is not offered in {basket.BillingAddress.Country}." : null);
        return [new ServiceOption(KlarnaRestModule.KlarnaPaymentsDirect, reason is null ? Applicability.Applicable : Applicability.NotApplicable, reason is null ? [] : [reason], [])];
    }

    public void MapEndpoints(RouteGroupBuilder channel)
    {
        channel.MapPost("/klarna/sessions", async (string code, HttpContext context, KlarnaRestCheckout checkout) =>
            {
                if (ShopApiChecks.Refusal(context, code) is { } refusal)
                    return refusal;
                var (request, _, malformed) = await ShopApiJson.ReadAsync<KlarnaSessionRequest>(context, "klarna/sessions");
                if (malformed is not null)
                    return malformed;
                if (KlarnaRestCheckout.Errors(request!) is { Count: > 0 } errors)
                    return Results.ValidationProblem(errors, detail: "The session request is not valid; see errors. Nothing was sent to Klarna.");
                try
                {
                    return Results.Ok(await checkout.CreateSessionAsync(code, request!, context.RequestAborted));
                }
                catch (BusinessRuleException e)
                {
                    return Results.Problem(title: "Not possible", statusCode: StatusCodes.Status422UnprocessableEntity, detail: e.Message);
                }
            })
            .WithName("KlarnaSessions").WithSummary("Opens a Klarna payment session for a basket: the client token the shop's page loads Klarna's widget with")
            .Accepts<KlarnaSessionRequest>("application/json")
            .Produces<KlarnaSessionResponse>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(422).ProducesProblem(429);
        channel.MapPost("/klarna/orders", async (string code, HttpContext context, KlarnaRestCheckout checkout) =>
            {
                if (ShopApiChecks.Refusal(context, code) is { } refusal)
                    return refusal;
                var (request, body, malformed) = await ShopApiJson.ReadAsync<KlarnaOrderRequest>(context, "klarna/orders");
                if (malformed is not null)
                    return malformed;
                if (KlarnaRestCheckout.Errors(request!) is { Count: > 0 } errors)
                    return Results.ValidationProblem(errors, detail: "The order is not valid; see errors. Nothing was sent to Klarna or stored.");
                try
                {
                    var outcome = await checkout.PlaceOrderAsync(code, request!, body, context.RequestAborted);
                    return outcome.Order is { } order
                        ? outcome.Status == StatusCodes.Status201Created ? Results.Created($"/api/v1/channels/{code}/klarna/orders/{order.OrderNumber}", order) : Results.Ok(order)
                        : Results.Problem(title: outcome.Status == 409 ? "Conflict" : outcome.Status == 503 ? "Try again" : "Not placed", statusCode: outcome.Status, detail: outcome.Problem);
                }
                catch (BusinessRuleException e)
                {
                    return Results.Problem(title: "Not possible", statusCode: StatusCodes.Status422UnprocessableEntity, detail: e.Message);
                }
            })
            .WithName("KlarnaOrders").WithSummary("Places the order the customer authorized with Klarna and stores the transaction; idempotent by order number")
            .Accepts<KlarnaOrderRequest>("application/json")
            .Produces<KlarnaOrderResponse>(201).Produces<KlarnaOrderResponse>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(409).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503);
    }
}
