using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.ECommPay.Sandbox;

public static class ECommPaySandboxEndpoints
{
    public const string VersionText = "ECommPay sandbox (Klarna Sofort: payment page, Gate sale, refund, status, callbacks)";

    public static IServiceCollection AddECommPaySandbox(this IServiceCollection services)
    {
        services.AddOptions<ECommPaySandboxOptions>().BindConfiguration(ECommPaySandboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Projects.All(p => p.ProjectId > 0 && p.SecretKey.Length > 0), "Every ECommPaySandbox:Projects entry needs a ProjectId and a SecretKey.")
            .Validate(o => o.Projects.Select(p => p.ProjectId).Distinct().Count() == o.Projects.Count, "ECommPaySandbox:Projects lists a ProjectId twice.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ECommPaySandbox>();
        services.AddSingleton<ECommPayCallbacks>();
        services.AddHttpClient(ECommPayCallbacks.HttpClientName);
        return services;
    }

    /// <summary>Serves ECommPay's paths under <paramref name="prefix"/>, and, when enabled, the control API at <c>_sandbox</c>.</summary>
    public static RouteGroupBuilder MapECommPaySandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription().DisableAntiforgery();
        group.MapGet("/version", () => VersionText);
        group.MapPost("/" + ECommPayClient.RefundPath, (HttpContext c, ECommPaySandbox s) => GateAsync(c, "refund", (project, request) => s.Refund(project, request)));
        group.MapPost("/" + ECommPayClient.StatusPath, (HttpContext c, ECommPaySandbox s) => GateAsync(c, "status", (project, request) => s.Status(project, request)));
        group.MapPost("/v2/payment/online-banking/sofort/sale", (HttpContext c, ECommPaySandbox s) =>
            GateAsync(c, "sale", (project, request) => s.Sale(project, request, new Uri($"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}{prefix.TrimEnd('/')}/"))));

        group.MapGet("/payment", (HttpContext c, ECommPaySandbox s) => PaymentPage(c, s, c.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString())));
        group.MapPost("/payment", async (HttpContext c, ECommPaySandbox s) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var fields = form.Where(f => f.Key != "outcome").ToDictionary(f => f.Key, f => f.Value.ToString());
            var (project, error) = Checked(s, fields);
            if (error is not null)
                return Page(HttpStatusCode.BadRequest, "Payment refused", $"<p>{Encode(error)}</p>");
            var approve = form["outcome"] == "pay";
            var payment = s.Purchase(project!, fields["payment_id"], long.Parse(fields["payment_amount"], CultureInfo.InvariantCulture), fields["payment_currency"],
                fields["customer_id"], fields.GetValueOrDefault("payment_description") ?? "", fields.GetValueOrDefault("merchant_callback_url"), approve);
            return payment is null
                ? Page(HttpStatusCode.Conflict, "Payment refused", $"<p>Payment {Encode(fields["payment_id"])} exists already.</p>")
                : Page(HttpStatusCode.OK, payment.Status == "success" ? "Payment successful" : "Payment declined",
                    $"<p data-status=\"{payment.Status}\">Payment {Encode(payment.Id)}: {payment.Status}. You can return to the shop.</p>");
        });
        group.MapGet("/payment/redirect/{projectId:long}/{paymentId}", (long projectId, string paymentId, ECommPaySandbox s) =>
            s.Payment(projectId, paymentId) is { Status: "processing" } payment
                ? Page(HttpStatusCode.OK, "Klarna (Sofort)", Choice(payment.Amount, payment.Currency, payment.Description, []))
                : Page(HttpStatusCode.NotFound, "Not found", "<p>No payment is waiting here.</p>"));
        group.MapPost("/payment/redirect/{projectId:long}/{paymentId}", async (long projectId, string paymentId, HttpContext c, ECommPaySandbox s) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            return s.Complete(projectId, paymentId, form["outcome"] == "pay")
                ? Page(HttpStatusCode.OK, "Done", $"<p data-status=\"{s.Payment(projectId, paymentId)!.Status}\">Payment {Encode(paymentId)}: {s.Payment(projectId, paymentId)!.Status}.</p>")
                : Page(HttpStatusCode.NotFound, "Not found", "<p>No payment is waiting here.</p>");
        });

        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ECommPaySandboxOptions>>().Value.ControlApi)
            MapControl(group.MapGroup("/_sandbox"));
        return group;
    }

    /// <summary>
    /// One Gate call: counted and delayed as the control API says, the project by <c>general.project_id</c> and its
    /// signature (3262 missing, 3261 wrong, also for a project the sandbox does not know), an injected failure before
    /// or after it is carried out.
    /// </summary>
    private static async Task<IResult> GateAsync(HttpContext context, string operation, Func<ECommPaySandboxProject, JsonElement, GateAnswer> act)
    {
        var sandbox = context.RequestServices.GetRequiredService<ECommPaySandbox>();
        sandbox.Traffic.Count(operation);
        await sandbox.Traffic.WaitLatencyAsync(operation, context.RequestAborted);
        JsonElement request;
        try
        {
            request = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement;
        }
        catch (JsonException)
        {
            return Answer(GateAnswer.Error("3023", "The request is not JSON"));
        }
        var projectId = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("general", out var general) && general.ValueKind == JsonValueKind.Object
            && general.TryGetProperty("project_id", out var id) && id.TryGetInt64(out var number) ? number : 0;
        if (ECommPaySignature.CarriedSignature(request) is null)
            return Answer(GateAnswer.Error(ECommPayCodes.SignatureMissing, "Signature is required"));
        if (sandbox.Project(projectId) is not { } project || !ECommPaySignature.Verify(request, project.SecretKey))
            return Answer(GateAnswer.Error(ECommPayCodes.SignatureWrong, "Invalid signature"));
        var injection = sandbox.Traffic.Take(operation);
        if (injection is { Failure: SandboxFailure.Fault } || injection is { AfterExecution: false })
            return await FailAsync(context, injection);
        var answer = act(project, request);
        return injection is null ? Answer(answer) : await FailAsync(context, injection);
    }

    private static IResult Answer(GateAnswer answer) => Results.Content(answer.Body.ToJsonString(), "application/json", Encoding.UTF8, answer.Status);

    /// <summary>An injected failure: a refusal with the injection's code (e.g. 3285), a server error without JSON, or no answer at all.</summary>
    private static async Task<IResult> FailAsync(HttpContext context, SandboxInjection injection)
    {
        switch (injection.Failure)
        {
            case SandboxFailure.Drop:
                context.Abort();
                return Results.Empty;
            case SandboxFailure.Timeout:
                await SandboxHang.HangAsync(context.RequestAborted);
                return Results.Empty;
            case SandboxFailure.ServerError:
                return Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html", Encoding.UTF8, StatusCodes.Status502BadGateway);
            default:
                return Answer(GateAnswer.Error(injection.Code.ToString(CultureInfo.InvariantCulture), "Injected refusal"));
        }
    }

    /// <summary>The payment page: the request's signature checked, then the customer's choice (pay at the bank, or not).</summary>
    private static IResult PaymentPage(HttpContext context, ECommPaySandbox sandbox, Dictionary<string, string> fields)
    {
        sandbox.Traffic.Count("payment-page");
        if (Checked(sandbox, fields).Error is { } error)
            return Page(HttpStatusCode.BadRequest, "Payment refused", $"<p>{Encode(error)}</p>");
        return Page(HttpStatusCode.OK, "Klarna (Sofort)", Choice(long.Parse(fields["payment_amount"], CultureInfo.InvariantCulture), fields["payment_currency"],
            fields.GetValueOrDefault("payment_description") ?? "", fields));
    }

    /// <summary>The project of a payment page request and why it is refused, or null: signature, Sofort, fields, currency.</summary>
    private static (ECommPaySandboxProject? Project, string? Error) Checked(ECommPaySandbox sandbox, Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("signature", out var signature) || !long.TryParse(fields.GetValueOrDefault("project_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var projectId)
            || sandbox.Project(projectId) is not { } project)
            return (null, "The request has no signature or names no project this sandbox knows.");
        if (signature.Length == 0 || !ECommPaySignature.Verify(JsonSerializer.SerializeToElement(fields), project.SecretKey))
            return (null, "Invalid signature (3261).");
        if (fields.GetValueOrDefault("force_payment_method") != "sofort")
            return (null, "This sandbox offers Klarna (Sofort) only: force_payment_method=sofort.");
        if (fields.GetValueOrDefault("payment_id") is not { Length: > 0 } || fields.GetValueOrDefault("customer_id") is not { Length: > 0 }
            || !long.TryParse(fields.GetValueOrDefault("payment_amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1)
            return (null, "payment_id, customer_id and a payment_amount in minor units are required.");
        return !ECommPaySandbox.Currencies.Contains(fields.GetValueOrDefault("payment_currency"))
            ? (null, "Klarna (Sofort) takes EUR, GBP and PLN.")
            : (project, null);
    }

    private static string Choice(long amount, string currency, string description, Dictionary<string, string> fields)
    {
        var hidden = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{Encode(f.Key)}\" value=\"{Encode(f.Value)}\">"));
        return $"""
            <p>{Encode(description)}</p>
            <p><strong>{(amount / 100m).ToString("0.00", CultureInfo.InvariantCulture)} {Encode(currency)}</strong></p>
            <form method="post">{hidden}
              <button type="submit" name="outcome" value="pay">Pay with Klarna (Sofort)</button>
              <button type="submit" name="outcome" value="decline">Cancel the payment</button>
            </form>
            """;
    }

    private static IResult Page(HttpStatusCode status, string title, string body) =>
        Results.Content($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title></head>
            <body><main><h1>{Encode(title)}</h1>{body}</main></body></html>
            """, "text/html", Encoding.UTF8, (int)status);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static void MapControl(RouteGroupBuilder control)
    {
        control.MapTrafficControl(services => services.GetRequiredService<ECommPaySandbox>().Traffic);
        control.MapPost("/payments", (PurchaseRequest request, ECommPaySandbox sandbox) =>
        {
            if (sandbox.Project(request.ProjectId) is not { } project)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["projectId"] = ["No such project."] });
            if (request.PaymentId is not { Length: > 0 } || request.Amount < 1 || !ECommPaySandbox.Currencies.Contains(request.Currency?.ToUpperInvariant()))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["payment"] = ["A paymentId, an amount of at least 1 and EUR, GBP or PLN."] });
            var payment = sandbox.Purchase(project, request.PaymentId, request.Amount, request.Currency!.ToUpperInvariant(), request.CustomerId ?? "customer",
                request.Description ?? "", request.CallbackUrl, request.Outcome != "decline");
            return payment is null ? Results.Conflict() : Results.Json(View(payment));
        });
        control.MapGet("/payments/{paymentId}", (string paymentId, ECommPaySandbox sandbox) =>
            sandbox.Payments(paymentId) is [var payment, ..] ? Results.Json(View(payment)) : Results.NotFound());
        control.MapGet("/callbacks", (ECommPayCallbacks callbacks) => Results.Json(callbacks.Deliveries.Select(d => new
        {
            d.Id, d.Url, d.PaymentId, d.OperationId, d.Status, d.Delivered, attempts = d.Attempts, body = JsonDocument.Parse(d.Body).RootElement,
        })));
        control.MapPost("/callbacks/{id:int}/resend", async (int id, bool? forged, ECommPayCallbacks callbacks) =>
            await callbacks.ResendAsync(id, forged == true) is { } attempt ? Results.Json(attempt) : Results.NotFound());
        control.MapPost("/reset", (ECommPaySandbox sandbox) =>
        {
            sandbox.Reset();
            return Results.NoContent();
        });
    }

    private static object View(SandboxPayment payment) => new
    {
        projectId = payment.ProjectId, paymentId = payment.Id, payment.Amount, payment.Currency, payment.Status, refunded = payment.RefundedAmount, pendingRefunds = payment.PendingRefunds,
        operations = payment.Operations.Select(o => new { o.Id, o.Type, o.Status, o.RequestId, o.MerchantRefundId, o.Amount, o.Code }),
    };

    internal sealed record PurchaseRequest(long ProjectId, string? PaymentId, long Amount, string? Currency, string? Outcome, string? CustomerId, string? Description, string? CallbackUrl);
}
