using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.CardAcquirer.Sandbox;

public static class CardAcquirerSandboxEndpoints
{
    public const string VersionText = "Card acquirer sandbox (payments on cards: authorize, capture, refund, void)";

    public static IServiceCollection AddCardAcquirerSandbox(this IServiceCollection services)
    {
        services.AddOptions<CardAcquirerSandboxOptions>().BindConfiguration(CardAcquirerSandboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Merchants.All(m => m.MerchantAccount.Length > 0 && m.ApiKey.Length > 0), "Every CardAcquirerSandbox:Merchants entry needs a MerchantAccount and an ApiKey.")
            .Validate(o => o.Merchants.Select(m => m.ApiKey).Distinct().Count() == o.Merchants.Count, "CardAcquirerSandbox:Merchants lists an ApiKey twice.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CardAcquirerSandbox>();
        return services;
    }

    /// <summary>Serves the acquirer API under <paramref name="prefix"/>, and, when enabled, the control API at <c>_sandbox</c>.</summary>
    public static RouteGroupBuilder MapCardAcquirerSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().DisableAntiforgery();
        group.MapGet("/version", () => VersionText);
        group.MapPost("/v1/payments", (HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "authorize", (m, body) => Read<PaymentRequest>(body) is { } r ? s.Authorize(m, r) : BadRequest()));
        group.MapPost("/v1/payments/{paymentId}/captures", (string paymentId, HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "capture", (m, body) => Read<AmountRequest>(body) is { } r ? s.Capture(m, paymentId, r.Amount) : BadRequest()));
        group.MapPost("/v1/payments/{paymentId}/refunds", (string paymentId, HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "refund", (m, body) => Read<AmountRequest>(body) is { } r ? s.Refund(m, paymentId, r.Amount) : BadRequest()));
        group.MapPost("/v1/payments/{paymentId}/void", (string paymentId, HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "void", (m, _) => s.Void(m, paymentId)));
        group.MapGet("/v1/payments/{paymentId}", (string paymentId, HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "get-payment", (m, _) => s.Get(m, paymentId)));
        group.MapGet("/v1/payments", (HttpContext c, CardAcquirerSandbox s) =>
            HandleAsync(c, "find-payments", (m, _) => c.Request.Query["reference"].FirstOrDefault() is { Length: > 0 } reference
                ? s.Find(m, reference)
                : AcquirerReply.Error(400, "invalid_request", "Name the reference.")));

        if (endpoints.ServiceProvider.GetRequiredService<IOptions<CardAcquirerSandboxOptions>>().Value.ControlApi)
            MapControl(group.MapGroup("/_sandbox"));
        return group;
    }

    /// <summary>
    /// One call as the acquirer handles it: counted and delayed, the merchant by its Bearer key, the kept answer of its
    /// <c>Idempotency-Key</c> sent again, an injected failure before or after it is carried out.
    /// </summary>
    private static async Task HandleAsync(HttpContext context, string operation, Func<CardAcquirerSandboxMerchant, string, AcquirerReply> act)
    {
        var sandbox = context.RequestServices.GetRequiredService<CardAcquirerSandbox>();
        sandbox.Traffic.Count(operation);
        await sandbox.Traffic.WaitLatencyAsync(operation, context.RequestAborted);
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) || header.Scheme != "Bearer"
            || header.Parameter is null || sandbox.Authenticate(header.Parameter) is not { } merchant)
        {
            await WriteAsync(context, Render(AcquirerReply.Error(401, "unauthorized", "Unknown API key.")));
            return;
        }
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var key = HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.TryGetValue("Idempotency-Key", out var given) && given.ToString() is { Length: > 0 } k ? k : null;
        if (key is not null)
        {
            var (inFlight, kept) = sandbox.Idempotency.Begin(merchant.MerchantAccount, key);
            if (inFlight || kept is not null)
            {
                await WriteAsync(context, kept ?? Render(AcquirerReply.Error(409, "idempotency_conflict", "A request with this key is still being handled.")));
                return;
            }
        }
        var injection = sandbox.Traffic.Take(operation);
        if (injection is { Failure: SandboxFailure.Fault } || injection is { AfterExecution: false })
        {
            if (key is not null)
                sandbox.Idempotency.Abandon(merchant.MerchantAccount, key);
            await FailAsync(context, injection);
            return;
        }
        var reply = Render(act(merchant, body));
        if (key is not null)
            sandbox.Idempotency.Keep(merchant.MerchantAccount, key, reply);
        if (injection is not null)
            await FailAsync(context, injection);
        else
            await WriteAsync(context, reply);
    }

    private static async Task FailAsync(HttpContext context, SandboxInjection injection)
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
                await WriteAsync(context, Render(AcquirerReply.Error(500, "server_error", "Unexpected server error.")));
                return;
        }
        await WriteAsync(context, Render(AcquirerReply.Error(injection.Code is >= 400 and < 600 ? injection.Code : 400, "injected", "Injected refusal.")));
    }

    private static RenderedReply Render(AcquirerReply reply) => new(reply.Status, JsonSerializer.Serialize(reply.Body, reply.Body.GetType(), AcquirerJson.Options), []);

    private static async Task WriteAsync(HttpContext context, RenderedReply reply)
    {
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Json ?? "", context.RequestAborted);
    }

    private static T? Read<T>(string body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, AcquirerJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AcquirerReply BadRequest() => AcquirerReply.Error(400, "invalid_request", "The body is not the JSON this call takes.");

    private static void MapControl(RouteGroupBuilder control)
    {
        control.MapTrafficControl(services => services.GetRequiredService<CardAcquirerSandbox>().Traffic);
        control.MapPost("/declines", (DeclineRequest request, CardAcquirerSandbox sandbox) =>
        {
            if (request.Code is not { Length: > 0 } code || request.Count is < 1 or > 100)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["decline"] = ["Name a code and a count from 1 to 100."] });
            sandbox.DeclineNext(code, request.Count);
            return Results.NoContent();
        });
        control.MapGet("/payments", (CardAcquirerSandbox sandbox) => Results.Json(sandbox.Payments, AcquirerJson.Options));
        control.MapPost("/reset", (CardAcquirerSandbox sandbox) =>
        {
            sandbox.Reset();
            sandbox.Traffic.Reset();
            sandbox.Idempotency.Reset();
            return Results.NoContent();
        });
    }

    private sealed record AmountRequest(long Amount);

    internal sealed record DeclineRequest(string? Code, int Count = 1);
}
