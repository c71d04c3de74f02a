using System.Globalization;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.Computop.Sandbox;

public static class ComputopSandboxEndpoints
{
    public const string VersionText = "Computop Paygate sandbox (Klarna Payments after the purchase)";

    /// <summary>Refusal of a MerchantID the sandbox does not know, answered in the clear (its password is unknown).</summary>
    public const string UnknownMerchant = PaygateCodes.UnknownMerchant;

    private static readonly string[] Pages = ["capture", "credit", "reverse", "inquire", "KlarnaPayments"];

    public static IServiceCollection AddComputopSandbox(this IServiceCollection services)
    {
        services.AddOptions<ComputopSandboxOptions>().BindConfiguration(ComputopSandboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Merchants.All(m => m.MerchantId.Length > 0 && m.HmacKey.Length > 0 && m.BlowfishPassword.Length > 0),
                "Every ComputopSandbox:Merchants entry needs a MerchantId, an HmacKey and a BlowfishPassword.")
            .Validate(o => o.Merchants.Select(m => m.MerchantId).Distinct().Count() == o.Merchants.Count, "ComputopSandbox:Merchants lists a MerchantId twice.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ComputopSandbox>();
        services.AddSingleton<ComputopNotifier>();
        return services;
    }

    /// <summary>
    /// Serves <c>{prefix}/capture.aspx</c>, <c>credit.aspx</c>, <c>reverse.aspx</c>, <c>inquire.aspx</c> and the
    /// after-purchase events of <c>KlarnaPayments.aspx</c> (POST or GET) and, when enabled, the control API.
    /// </summary>
    public static RouteGroupBuilder MapComputopSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription();
        group.MapGet("/version", () => VersionText);
        foreach (var page in Pages)
            group.MapMethods($"/{page}.aspx", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, ComputopSandbox sandbox) => HandleAsync(context, sandbox, page))
                .DisableAntiforgery();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ComputopSandboxOptions>>().Value.ControlApi)
            MapControl(group.MapGroup("/_sandbox"));
        return group;
    }

    private static async Task HandleAsync(HttpContext context, ComputopSandbox sandbox, string page)
    {
        var form = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase)
            : context.Request.Query.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var traffic = sandbox.Traffic;
        traffic.Count(page);
        await traffic.WaitLatencyAsync(page, context.RequestAborted);

        var merchantId = form.GetValueOrDefault("MerchantID", "");
        if (sandbox.Merchant(merchantId) is not { } merchant)
        {
            await context.Response.WriteAsync(PaygateFields.Write(ComputopSandbox.Refusal(merchantId, UnknownMerchant, "unknown MerchantID")), context.RequestAborted);
            return;
        }
        var answer = Answer(sandbox, page, merchant, form, traffic.Take(page), out var failure);
        switch (failure)
        {
            case SandboxFailure.Drop:
                context.Abort();
                return;
            case SandboxFailure.Timeout:
                await SandboxHang.HangAsync(context.RequestAborted);
                return;
            case SandboxFailure.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("injected server error", context.RequestAborted);
                return;
        }
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write(answer!), merchant.BlowfishPassword);
        await context.Response.WriteAsync($"MerchantID={merchant.MerchantId}&Len={len.ToString(CultureInfo.InvariantCulture)}&Data={data}", context.RequestAborted);
    }

    /// <summary>What the request comes to: refused when its Data or MAC is not the merchant's, else carried out (unless an injected failure says otherwise).</summary>
    private static Dictionary<string, string>? Answer(ComputopSandbox sandbox, string page, PaygateCredentials merchant, IReadOnlyDictionary<string, string> form,
        SandboxInjection? injection, out SandboxFailure? failure)
    {
        failure = injection?.Failure;
        IReadOnlyDictionary<string, string> fields;
        try
        {
            fields = PaygateMessage.Open(form, merchant.BlowfishPassword);
        }
        catch (PaygateMessageException e)
        {
            return ComputopSandbox.Refusal(merchant.MerchantId, ComputopSandbox.DataBad, e.Message);
        }
        // Paygate takes the MerchantID in the clear alone, as two production plugins send it; one inside Data must agree.
        if (fields.GetValueOrDefault("MerchantID") is { } inside && !string.Equals(inside, merchant.MerchantId, StringComparison.Ordinal))
            return ComputopSandbox.Refusal(merchant.MerchantId, ComputopSandbox.DataBad, "the MerchantID in Data is not the one outside");
        long? amount = long.TryParse(fields.GetValueOrDefault("Amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var expected = PaygateMac.OfRequest(merchant.HmacKey, fields.GetValueOrDefault("PayID"), fields.GetValueOrDefault("TransID"), merchant.MerchantId, amount, fields.GetValueOrDefault("Currency"));
        if (!PaygateMac.Matches(expected, fields.GetValueOrDefault("MAC")))
            return ComputopSandbox.Refusal(merchant.MerchantId, ComputopSandbox.MacBad, "MAC mismatch");
        if (injection is { Failure: SandboxFailure.Fault })
            return ComputopSandbox.Refusal(merchant.MerchantId, injection.Code.ToString("D8", CultureInfo.InvariantCulture), "injected refusal");
        return injection is null or { AfterExecution: true } ? sandbox.Handle(page, merchant, fields) : null;
    }

    private static void MapControl(RouteGroupBuilder control)
    {
        control.MapTrafficControl(services => services.GetRequiredService<ComputopSandbox>().Traffic);
        // An authorization as the shop's checkout makes it; with a notifyUrl, Paygate's URLNotify of it follows, carrying the
        // shop's RefNr and UserData.
        control.MapPost("/payments", (AuthorizeRequest request, ComputopSandbox sandbox, ComputopNotifier notifier) =>
        {
            try
            {
                if (request.NotifyUrl is { } notify && !Uri.TryCreate(notify, UriKind.Absolute, out _))
                    throw new ArgumentException($"'{notify}' is not an absolute URL.", nameof(request));
                var payment = sandbox.Authorize(request.MerchantId, request.TransId, request.Amount, request.Currency, request.RefNr);
                if (request.NotifyUrl is { } url)
                {
                    // RefNr and UserData come back as the shop sent them with its payment.
                    var result = new Dictionary<string, string>
                    {
                        ["mid"] = payment.MerchantId, ["PayID"] = payment.PayId, ["XID"] = payment.PayId, ["TransID"] = payment.TransId,
                        ["Status"] = "OK", ["Description"] = "success", ["Code"] = "00000000",
                    };
                    if (request.RefNr is { Length: > 0 } refNr)
                        result["RefNr"] = refNr;
                    if (request.UserData is { Length: > 0 } userData)
                        result["UserData"] = userData;
                    notifier.Send(sandbox.Merchant(payment.MerchantId)!, new Uri(url), result);
                }
                return Results.Created($"payments/{payment.PayId}", payment);
            }
            catch (ArgumentException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["payment"] = [e.Message] });
            }
        });
        control.MapGet("/payments/{payId}", (string payId, ComputopSandbox sandbox) =>
            sandbox.Find(payId) is { } payment ? Results.Ok(payment) : Results.NotFound());
        control.MapGet("/notifications", (ComputopNotifier notifier) => TypedResults.Ok(notifier.Attempts));
        control.MapGet("/executions", (ComputopSandbox sandbox) => TypedResults.Ok(sandbox.Executions));
        // A batch file uploaded as Computop's batch manager takes it; the answer is its response file.
        control.MapPost("/batches", async (HttpRequest request, ComputopSandbox sandbox) =>
        {
            using var reader = new StreamReader(request.Body);
            try
            {
                return Results.Text(sandbox.ProcessBatch(await reader.ReadToEndAsync()), "text/plain");
            }
            catch (PaygateBatchException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["batch"] = [e.Message] });
            }
        });
        control.MapPost("/reset", (ComputopSandbox sandbox, ComputopNotifier notifier) =>
        {
            sandbox.Reset();
            sandbox.Traffic.Reset();
            notifier.Reset();
            return Results.NoContent();
        });
    }

    internal sealed record AuthorizeRequest(string MerchantId, string TransId, long Amount, string Currency, string? NotifyUrl = null, string? RefNr = null, string? UserData = null);
}
