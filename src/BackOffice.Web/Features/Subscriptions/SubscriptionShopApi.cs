using BackOffice.Web.Features.ShopApi;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>The shop API of subscriptions, in Payway's order: a purchase session, then place-order or place-trial-order.</summary>
public sealed class SubscriptionShopApi : IShopApiEndpoints
{
    public void MapEndpoints(RouteGroupBuilder channel)
    {
        channel.MapPost("/subscriptions/sessions", async (string code, HttpContext context, SubscriptionCheckout checkout) =>
            {
                if (ShopApiChecks.Refusal(context, code) is { } refusal)
                    return refusal;
                var (request, _, malformed) = await ShopApiJson.ReadAsync<PurchaseSessionRequest>(context, "subscriptions/sessions");
                if (malformed is not null)
                    return malformed;
                if (SubscriptionCheckout.Errors(request!) is { Count: > 0 } errors)
                    return Results.ValidationProblem(errors, detail: "The purchase session request is not valid; see errors. Nothing was sent to Klarna.");
                try
                {
                    return Results.Ok(await checkout.CreateSessionAsync(code, request!, context.RequestAborted));
                }
                catch (BusinessRuleException e)
                {
                    return Results.Problem(title: "Not possible", statusCode: StatusCodes.Status422UnprocessableEntity, detail: e.Message);
                }
            })
            .WithName("SubscriptionSessions").WithSummary("Opens a purchase session for a package or campaign: the client token Klarna's widget loads with; it lives 48 hours and serves one purchase")
            .Accepts<PurchaseSessionRequest>("application/json")
            .Produces<PurchaseSessionResponse>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(422).ProducesProblem(429);
        MapPlace(channel, "/subscriptions/place-order", trial: false, "SubscriptionOrders",
            "Places a purchase from the customer's authorization: the first charge, the customer token, the subscription and the account completed from Klarna");
        MapPlace(channel, "/subscriptions/place-trial-order", trial: true, "SubscriptionTrialOrders",
            "Places a free trial from the customer's authorization (direct debit): the customer token and the subscription; the package is charged when the trial ends");
    }

    private static void MapPlace(RouteGroupBuilder channel, string path, bool trial, string name, string summary) =>
        channel.MapPost(path, async (string code, HttpContext context, SubscriptionCheckout checkout) =>
            {
                if (ShopApiChecks.Refusal(context, code) is { } refusal)
                    return refusal;
                var (request, _, malformed) = await ShopApiJson.ReadAsync<PurchaseOrderRequest>(context, path.TrimStart('/'));
                if (malformed is not null)
                    return malformed;
                if (SubscriptionCheckout.Errors(request!) is { Count: > 0 } errors)
                    return Results.ValidationProblem(errors, detail: "The purchase is not valid; see errors. Nothing was sent to Klarna or stored.");
                var outcome = await checkout.PlaceOrderAsync(code, request!, trial, context.RequestAborted);
                return outcome.Order is { } order
                    ? Results.Created($"/api/v1/channels/{code}/subscriptions/{order.Subscription.Id}", order)
                    : Results.Problem(title: outcome.Title, statusCode: outcome.Status, detail: outcome.Problem);
            })
            .WithName(name).WithSummary(summary)
            .Accepts<PurchaseOrderRequest>("application/json")
            .Produces<PurchaseOrderResponse>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(409).ProducesProblem(410).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503);
}
