using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.KlarnaRest.Sandbox;

public static class KlarnaRestSandboxEndpoints
{
    public const string VersionText = "Klarna REST sandbox (Payments, customer tokens, Order Management, Settlements, Merchant Card Service)";

    private const string Orders = "/ordermanagement/v1/orders/{orderId}";

    public static IServiceCollection AddKlarnaRestSandbox(this IServiceCollection services)
    {
        services.AddOptions<KlarnaRestSandboxOptions>().BindConfiguration(KlarnaRestSandboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Merchants.All(m => m.MerchantId.Length > 0 && m.Username.Length > 0 && m.Password.Length > 0),
                "Every KlarnaRestSandbox:Merchants entry needs a MerchantId, a Username and a Password.")
            .Validate(o => o.Merchants.Select(m => m.Username).Distinct().Count() == o.Merchants.Count, "KlarnaRestSandbox:Merchants lists a Username twice.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KlarnaRestSandbox>();
        services.AddSingleton<SandboxCardIssuer>();
        services.AddSingleton<ICardIssuer>(provider => provider.GetRequiredService<SandboxCardIssuer>());
        services.AddSingleton<SandboxIdempotency>();
        services.AddSingleton<KlarnaRestNotifier>();
        services.AddHttpClient(KlarnaRestNotifier.HttpClientName);
        return services;
    }

    /// <summary>Serves Klarna's own paths under <paramref name="prefix"/>, and, when enabled, the control API at <c>_sandbox</c>.</summary>
    public static RouteGroupBuilder MapKlarnaRestSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().DisableAntiforgery();
        group.MapGet("/version", () => VersionText);

        group.MapPost("/payments/v1/sessions", (HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "create-session", false, (m, body, _) => Read<KlarnaPurchase>(body) is { } p ? s.CreateSession(m, p) : BadRequest()));
        group.MapPost("/payments/v1/authorizations/{token}/order", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "place-order", false, (m, body, _) => Read<KlarnaPurchase>(body) is { } p ? s.PlaceOrder(m, token, p, Canonical(body)) : BadRequest()));
        group.MapDelete("/payments/v1/authorizations/{token}", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "cancel-authorization", false, (m, _, _) => s.CancelAuthorization(m, token)));
        group.MapPost("/payments/v1/authorizations/{token}/customer-token", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "create-customer-token", false, (m, body, _) =>
                Read<KlarnaCustomerTokenRequest>(body) is { } r ? s.CreateCustomerToken(m, token, r, Canonical(body)) : BadRequest()));
        group.MapGet("/customer-token/v1/tokens/{token}", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "get-customer-token", false, (m, _, _) => s.GetCustomerToken(m, token)));
        group.MapPost("/customer-token/v1/tokens/{token}/order", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "token-order", true, (m, body, key) => Read<KlarnaTokenOrderRequest>(body) is { } r ? s.CreateTokenOrder(m, token, r, key) : BadRequest()));
        group.MapPatch("/customer-token/v1/tokens/{token}/status", (string token, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "cancel-customer-token", false, (m, body, _) => Read<TokenStatusBody>(body) is { } b ? s.CancelCustomerToken(m, token, b.Status) : BadRequest()));

        group.MapGet(Orders, (string orderId, HttpContext c, KlarnaRestSandbox s) => HandleAsync(c, prefix, "get-order", false, (m, _, _) => s.GetOrder(m, orderId)));
        group.MapGet(Orders + "/captures/{captureId}", (string orderId, string captureId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "get-capture", false, (m, _, _) => s.GetCapture(m, orderId, captureId)));
        group.MapGet(Orders + "/refunds/{refundId}", (string orderId, string refundId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "get-refund", false, (m, _, _) => s.GetRefund(m, orderId, refundId)));
        group.MapPost(Orders + "/captures", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "capture", true, (m, body, key) => Read<KlarnaCaptureRequest>(body) is { } r ? s.Capture(m, orderId, r, key) : BadRequest()));
        group.MapPost(Orders + "/refunds", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "refund", true, (m, body, key) => Read<KlarnaRefundRequest>(body) is { } r ? s.Refund(m, orderId, r, key) : BadRequest()));
        group.MapPost(Orders + "/cancel", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "cancel", true, (m, _, key) => s.Cancel(m, orderId, key)));
        group.MapPost(Orders + "/release-remaining-authorization", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "release", true, (m, _, key) => s.ReleaseRemainingAuthorization(m, orderId, key)));
        group.MapPost(Orders + "/extend-authorization-time", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "extend", true, (m, _, key) => s.ExtendAuthorizationTime(m, orderId, key)));
        group.MapPost(Orders + "/acknowledge", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "acknowledge", true, (m, _, key) => s.Acknowledge(m, orderId, key)));
        group.MapPatch(Orders + "/authorization", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "update-authorization", true, (m, body, key) => Read<KlarnaAuthorizationUpdate>(body) is { } u ? s.UpdateAuthorization(m, orderId, u, key) : BadRequest()));
        group.MapPatch(Orders + "/customer-details", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "customer-details", true, (m, body, key) => Read<KlarnaCustomerDetailsUpdate>(body) is { } u ? s.UpdateCustomerDetails(m, orderId, u, key) : BadRequest()));
        group.MapPatch(Orders + "/merchant-references", (string orderId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "merchant-references", true, (m, body, key) => Read<KlarnaMerchantReferences>(body) is { } r ? s.UpdateMerchantReferences(m, orderId, r, key) : BadRequest()));
        group.MapPost(Orders + "/captures/{captureId}/shipping-info", (string orderId, string captureId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "shipping-info", true, (m, body, key) => Read<ShippingInfoBody>(body) is { } b ? s.AddShippingInfo(m, orderId, captureId, b.ShippingInfo, key) : BadRequest()));
        group.MapPost(Orders + "/captures/{captureId}/trigger-send-out", (string orderId, string captureId, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "trigger-send-out", true, (m, _, key) => s.TriggerSendOut(m, orderId, captureId, key)));

        group.MapGet("/settlements/v1/payouts", (HttpContext c, KlarnaRestSandbox s) => HandleAsync(c, prefix, "payouts", false, (m, _, _) =>
            Date(c, "start_date") is { } start && Date(c, "end_date") is { } end && Paging(c) is { } paging
                ? s.Payouts(m, start, end, c.Request.Query["currency_code"].FirstOrDefault(), paging.Size, paging.Offset)
                : SandboxReply.Error(400, "BAD_VALUE", "Bad value: start_date, end_date, size or offset")));
        group.MapGet("/settlements/v1/payouts/{paymentReference}", (string paymentReference, HttpContext c, KlarnaRestSandbox s) =>
            HandleAsync(c, prefix, "payout", false, (m, _, _) => s.Payout(m, paymentReference)));
        group.MapGet("/settlements/v1/transactions", (HttpContext c, KlarnaRestSandbox s) => HandleAsync(c, prefix, "transactions", false, (m, _, _) =>
            Paging(c) is { } paging
                ? s.Transactions(m, c.Request.Query["payment_reference"].FirstOrDefault(), c.Request.Query["order_id"].FirstOrDefault(), paging.Size, paging.Offset)
                : SandboxReply.Error(400, "BAD_VALUE", "Bad value: size or offset")));

        group.MapPost("/merchantcard/v3/promises", (HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "card-promise", false, (m, body, _) => Read<KlarnaCardPromiseRequest>(body) is { } r ? cards.CreatePromise(m, r) : BadRequest()));
        group.MapPost("/merchantcard/v3/settlements", (HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "card-settlement", false, (m, body, _) => Read<KlarnaCardSettlementRequest>(body) is { } r ? cards.CreateSettlement(m, r) : BadRequest()));
        group.MapGet("/merchantcard/v3/settlements/{settlementId}", (string settlementId, HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "get-card-settlement", false, (m, _, _) => cards.GetSettlement(m, settlementId, c.Request.Headers["KeyId"].FirstOrDefault())));
        group.MapGet("/merchantcard/v3/settlements/order/{orderId}", (string orderId, HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "get-card-settlement", false, (m, _, _) => cards.GetSettlementByOrder(m, orderId, c.Request.Headers["KeyId"].FirstOrDefault())));
        group.MapPost("/merchantcard/v3/orders/{orderId}/cancel-request", (string orderId, HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "card-cancel-request", false, (m, _, _) => cards.RequestCancel(m, orderId)));
        group.MapGet("/merchantcard/v3/orders/{orderId}/cancel-request", (string orderId, HttpContext c, SandboxCardIssuer cards) =>
            HandleAsync(c, prefix, "get-card-cancel-request", false, (m, _, _) => cards.GetCancel(m, orderId)));

        if (endpoints.ServiceProvider.GetRequiredService<IOptions<KlarnaRestSandboxOptions>>().Value.ControlApi)
            MapControl(group.MapGroup("/_sandbox"));
        return group;
    }

    /// <summary>
    /// One call as Klarna handles it: counted and delayed as the control API says, the merchant by HTTP Basic, the kept
    /// answer of its idempotency key sent again, an injected failure before or after it is carried out.
    /// </summary>
    private static async Task HandleAsync(HttpContext context, string prefix, string operation, bool keyed, Func<KlarnaRestSandboxMerchant, string, string?, SandboxReply> act)
    {
        var sandbox = context.RequestServices.GetRequiredService<KlarnaRestSandbox>();
        var store = context.RequestServices.GetRequiredService<SandboxIdempotency>();
        sandbox.Traffic.Count(operation);
        await sandbox.Traffic.WaitLatencyAsync(operation, context.RequestAborted);
        if (Merchant(context, sandbox) is not { } merchant)
        {
            await WriteAsync(context, Render(context, prefix, SandboxReply.Error(401, "UNAUTHORIZED")));
            return;
        }
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (body.Length > 1_000_000)
        {
            await WriteAsync(context, Render(context, prefix, SandboxReply.Error(413, "REQUEST_TOO_LARGE", "Request is too large")));
            return;
        }
        var key = keyed && context.Request.Headers.TryGetValue("Klarna-Idempotency-Key", out var header) && header.ToString() is { Length: > 0 } given ? given : null;
        if (key is not null)
        {
            var (inFlight, kept) = store.Begin(merchant.Username, key);
            if (inFlight || kept is not null)
            {
                await WriteAsync(context, kept ?? Render(context, prefix, SandboxReply.Error(409, "CONFLICT")));
                return;
            }
        }
        var injection = sandbox.Traffic.Take(operation);
        if (injection is { Failure: SandboxFailure.Fault } || injection is { AfterExecution: false })
        {
            if (key is not null)
                store.Abandon(merchant.Username, key);
            await FailAsync(context, prefix, injection);
            return;
        }
        var reply = Render(context, prefix, act(merchant, body, key));
        if (key is not null)
            store.Keep(merchant.Username, key, reply);
        if (injection is not null)
            await FailAsync(context, prefix, injection);
        else
            await WriteAsync(context, reply);
    }

    /// <summary>An injected failure: a refusal with the injection's HTTP status (429 with its reset), a server error, or no answer.</summary>
    private static async Task FailAsync(HttpContext context, string prefix, SandboxInjection injection)
    {
        switch (injection.Failure)
        {
            case SandboxFailure.Drop:
                context.Abort();
                return;
            case SandboxFailure.Timeout:
                await SandboxHang.HangAsync(context.RequestAborted);
                return;
            case SandboxFailure.ServerError:
                await WriteAsync(context, Render(context, prefix, SandboxReply.Error(500, "INTERNAL_SERVER_ERROR", "Unexpected server error")));
                return;
        }
        var reply = injection.Code switch
        {
            429 => SandboxReply.Error(429, "TOO_MANY_REQUESTS", "Too many requests"),
            >= 500 => SandboxReply.Error(injection.Code, "TEMPORARILY_UNAVAILABLE", "Temporarily unavailable"),
            403 => SandboxReply.Error(403, "NOT_ALLOWED", "Injected refusal."),
            _ => SandboxReply.Error(injection.Code is >= 400 and < 500 ? injection.Code : 400, "BAD_VALUE", "Injected refusal."),
        };
        var rendered = Render(context, prefix, reply);
        if (injection.Code == 429)
            rendered = rendered with { Headers = [.. rendered.Headers, new("X-Ratelimit-Limit", "50, 50;w=1"), new("X-Ratelimit-Remaining", "0"), new("X-Ratelimit-Reset", "1")] };
        await WriteAsync(context, rendered);
    }

    private static RenderedReply Render(HttpContext context, string prefix, SandboxReply reply)
    {
        var correlation = Guid.NewGuid().ToString();
        var headers = new List<KeyValuePair<string, string>> { new("Klarna-Correlation-Id", correlation) };
        if (reply.Id is { } id)
        {
            headers.Add(new(reply.IdHeader!, id));
            var request = context.Request;
            headers.Add(new("Location", $"{request.Scheme}://{request.Host}{request.PathBase}{prefix.TrimEnd('/')}/{reply.Location}"));
        }
        var json = reply.Body switch
        {
            null => null,
            SandboxReply.ErrorBody error => JsonSerializer.Serialize(new { correlation_id = correlation, error_code = error.ErrorCode, error_messages = error.ErrorMessages }),
            var body => JsonSerializer.Serialize(body, body.GetType(), KlarnaJson.Options),
        };
        return new RenderedReply(reply.Status, json, headers);
    }

    private static async Task WriteAsync(HttpContext context, RenderedReply reply)
    {
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers)
            context.Response.Headers[name] = value;
        if (reply.Json is { } json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json, context.RequestAborted);
        }
    }

    private static KlarnaRestSandboxMerchant? Merchant(HttpContext context, KlarnaRestSandbox sandbox)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) || header.Scheme != "Basic" || header.Parameter is null)
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : sandbox.Authenticate(pair[..colon], pair[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static T? Read<T>(string body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, KlarnaJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static SandboxReply BadRequest() => SandboxReply.Error(400, "BAD_REQUEST");

    /// <summary>The body with its formatting taken out, so that the same order sent again compares equal.</summary>
    private static string Canonical(string body)
    {
        try
        {
            return JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement);
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static DateTimeOffset? Date(HttpContext context, string name) =>
        DateTimeOffset.TryParse(context.Request.Query[name].FirstOrDefault(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static (int Size, int Offset)? Paging(HttpContext context)
    {
        var size = context.Request.Query["size"].FirstOrDefault() is { } s ? int.TryParse(s, CultureInfo.InvariantCulture, out var n) ? n : -1 : 20;
        var offset = context.Request.Query["offset"].FirstOrDefault() is { } o ? int.TryParse(o, CultureInfo.InvariantCulture, out var m) ? m : -1 : 0;
        return size is >= 1 and <= 500 && offset >= 0 ? (size, offset) : null;
    }

    private static void MapControl(RouteGroupBuilder control)
    {
        control.MapTrafficControl(services => services.GetRequiredService<KlarnaRestSandbox>().Traffic);
        control.MapPost("/sessions/{sessionId}/authorize", async (string sessionId, HttpContext context, KlarnaRestSandbox sandbox) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var approval = body.Length == 0 ? new ApprovalRequest() : Read<ApprovalRequest>(body);
            var outcome = approval?.Outcome ?? "approved";
            if (approval is null || outcome is not ("approved" or "pending" or "denied"))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["outcome"] = ["approved, pending or denied."] });
            return Json(sandbox.Authorize(sessionId, outcome, new AuthorizeDetails
            {
                PaymentMethodCategory = approval.PaymentMethodCategory, BillingAddress = approval.BillingAddress, ShippingAddress = approval.ShippingAddress, Customer = approval.Customer,
            }));
        });
        control.MapGet("/orders/{orderId}", (string orderId, KlarnaRestSandbox sandbox) =>
            sandbox.Order(orderId) is { } order ? Results.Json(order, KlarnaJson.Options) : Results.NotFound());
        control.MapPost("/orders/{orderId}/fraud", (string orderId, FraudDecision decision, KlarnaRestSandbox sandbox, KlarnaRestNotifier notifier) =>
        {
            if (decision.Status is not (KlarnaFraudStatus.Accepted or KlarnaFraudStatus.Rejected or KlarnaFraudStatus.Stopped))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["ACCEPTED, REJECTED or STOPPED."] });
            var (resolved, url) = sandbox.ResolveFraud(orderId, decision.Status);
            if (!resolved)
                return Results.NotFound();
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var address))
                notifier.Send(address, orderId, $"FRAUD_RISK_{decision.Status}");
            return Results.NoContent();
        });
        control.MapGet("/notifications", (KlarnaRestNotifier notifier) => TypedResults.Ok(notifier.Deliveries));
        control.MapPost("/orders/{orderId}/expire", (string orderId, KlarnaRestSandbox sandbox) => sandbox.Expire(orderId) ? Results.NoContent() : Results.NotFound());
        control.MapPost("/payouts/close", (KlarnaRestSandbox sandbox) => Results.Json(sandbox.ClosePayoutPeriod(), KlarnaJson.Options));
        control.MapGet("/merchants", (KlarnaRestSandbox sandbox) => Results.Json(sandbox.Merchants.Select(m => new { merchant_id = m.MerchantId, username = m.Username, password = m.Password })));
        control.MapGet("/tokens", (KlarnaRestSandbox sandbox) => Results.Json(sandbox.Tokens, KlarnaJson.Options));
        control.MapPost("/tokens/{tokenId}", async (string tokenId, HttpContext context, KlarnaRestSandbox sandbox) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            if (Read<TokenSteering>(await reader.ReadToEndAsync(context.RequestAborted)) is not { } steering)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["{\"status\": …, \"next_charges\": […]} as JSON."] });
            var status = steering.Status?.ToUpperInvariant();
            if (status is not null && !KlarnaRestSandbox.SteerableStatuses.Contains(status))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [string.Join(", ", KlarnaRestSandbox.SteerableStatuses) + "."] });
            if (steering.NextCharges?.FirstOrDefault(c => !KlarnaRestSandbox.SteerableCharges.Contains(c)) is { } unknown)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["next_charges"] = [$"{unknown} is not one of {string.Join(", ", KlarnaRestSandbox.SteerableCharges)}."] });
            return sandbox.SteerToken(tokenId, status, steering.NextCharges) is { } view ? Results.Json(view, KlarnaJson.Options) : Results.NotFound();
        });
        control.MapGet("/executions", (KlarnaRestSandbox sandbox) => TypedResults.Ok(sandbox.Executions));
        control.MapPost("/card-keys", async (HttpContext context, SandboxCardIssuer cards) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return cards.Enrol(await reader.ReadToEndAsync(context.RequestAborted), out var error) is { } keyId
                ? Results.Json(new { key_id = keyId })
                : Results.ValidationProblem(new Dictionary<string, string[]> { ["jwk"] = [error!] });
        });
        control.MapGet("/cards", (SandboxCardIssuer cards) => Results.Json(cards.Cards, KlarnaJson.Options));
        control.MapPost("/card-orders/{orderId}/cancel-decision", (string orderId, CancelDecision decision, SandboxCardIssuer cards) =>
            decision.Status is not (KlarnaCardCancelStatus.Cancelled or KlarnaCardCancelStatus.Rejected)
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["CANCELLED or REJECTED."] })
                : cards.Decide(orderId, decision.Status == KlarnaCardCancelStatus.Cancelled) ? Results.NoContent() : Results.NotFound());
        control.MapPost("/reset", (KlarnaRestSandbox sandbox, SandboxCardIssuer cards, SandboxIdempotency store) =>
        {
            sandbox.Reset();
            cards.Reset();
            sandbox.Traffic.Reset();
            store.Reset();
            return Results.NoContent();
        });
    }

    private static IResult Json(SandboxReply reply) => reply.Body switch
    {
        SandboxReply.ErrorBody error => Results.Json(new { error_code = error.ErrorCode, error_messages = error.ErrorMessages }, statusCode: reply.Status),
        var body => Results.Json(body, KlarnaJson.Options, statusCode: reply.Status),
    };

    private sealed record ShippingInfoBody(IReadOnlyList<KlarnaShippingInfo>? ShippingInfo);

    private sealed record ApprovalRequest(string? Outcome = null, string? PaymentMethodCategory = null, KlarnaAddress? BillingAddress = null,
        KlarnaAddress? ShippingAddress = null, KlarnaCustomer? Customer = null);

    private sealed record TokenStatusBody(string? Status);

    private sealed record TokenSteering(string? Status, IReadOnlyList<string>? NextCharges);

    internal sealed record FraudDecision(string Status);

    internal sealed record CancelDecision(string Status);
}
