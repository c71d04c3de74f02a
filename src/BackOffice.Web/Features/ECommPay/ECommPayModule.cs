using BackOffice.ECommPay.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// Klarna (Sofort) through ECommPay as one module. Sofort is a sale: the money moves when the customer pays, so a
/// payment arrives captured in full and only refunds follow. Its sandbox is mounted in the app when
/// <c>ECommPaySandbox:Mount</c> is true (the Development settings).
/// </summary>
public sealed class ECommPayModule : PaymentProviderModule
{
    public static readonly PaymentProvider Provider = new("ECommPay");
    public static readonly ServiceKind KlarnaSofort = new("KlarnaSofort");

    /// <summary>Where Sofort is offered (chosen: Sofort's home markets; the protocol names none).</summary>
    public static readonly string[] Countries = ["AT", "BE", "CH", "DE", "ES", "GB", "IT", "NL", "PL"];

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "ECommPay", [new(KlarnaSofort, "Klarna (Sofort) via ECommPay", "Sofort")],
        Capabilities.RefundAmount | Capabilities.RefundLines)
    {
        HoldName = "Payment",
        ReferenceLabel = "Payment ID",
        CallReferenceLabel = "Request ID",
        MerchantLabel = "Project",
        StartedAs = "Paid",
        ReconcileDialog = typeof(ECommPayReconcileDialog),
        Countries = Countries,
        Currencies = ECommPayCheckout.Currencies,
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddOptions<ECommPayOptions>().BindConfiguration(ECommPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(ECommPayConnections.HttpClientName);
        services
            .AddScoped<ECommPayConnections>()
            .AddScoped<ECommPayServices>()
            .AddScoped<ECommPayCheckout>()
            .AddScoped<ECommPayNotifications>()
            .AddScoped<ECommPayReconciler>()
            .AddScoped<IPaymentPort, ECommPayPort>()
            .AddSingleton<ECommPayDemoSeeder>()
            .AddHostedService(provider => provider.GetRequiredService<ECommPayDemoSeeder>())
            .AddSingleton<IShopApiOffer, ECommPayShopOffer>()
            .AddSingleton<IChannelServiceSummaries, ECommPayChannelServices>()
            .AddChannelCard<ECommPayServiceCard>(order: 3)
            .AddECommPaySandbox();
    }

    public override Task StartAsync(IServiceProvider services) => services.GetRequiredService<ECommPayDemoSeeder>().SeedChannelAsync();

    public override void Map(WebApplication app)
    {
        if (SandboxMount.PathOf(app.Configuration, ECommPaySandboxOptions.Section) is { } path)
            app.MapECommPaySandbox(path);
        MapCallbacks(app);
    }

    /// <summary>
    /// ECommPay's callbacks for each channel: 200 taken (also a repeat), 400 not signed by the channel's project
    /// (audited per source and minute, nothing changed), 404 no ECommPay service there, 413 too large, 503 try again
    /// later. Limited per address and per channel (<see cref="RateLimits.Notifications"/>).
    /// </summary>
    private static IEndpointConventionBuilder MapCallbacks(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/notify/ecommpay/{channel}", async (string channel, HttpContext context, ECommPayNotifications notifications, RefusedNotifications refused) =>
            {
                var source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (context.Request.ContentLength > 64 * 1024)
                    return Results.Text("Refused.", statusCode: StatusCodes.Status413PayloadTooLarge);
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                if (body.Length > 64 * 1024)
                    return Results.Text("Refused.", statusCode: StatusCodes.Status413PayloadTooLarge);
                var (result, why) = await notifications.TakeAsync(channel, body.ToArray(), context.RequestAborted);
                if (result == ECommPayCallbackResult.Refused)
                    await refused.RecordAsync(ECommPayNotifications.Actor, source, channel, why!);
                return result switch
                {
                    ECommPayCallbackResult.Taken => Results.Text("OK"),
                    ECommPayCallbackResult.UnknownChannel => Results.Text("No ECommPay service here.", statusCode: StatusCodes.Status404NotFound),
                    ECommPayCallbackResult.Refused => Results.Text("Refused.", statusCode: StatusCodes.Status400BadRequest),
                    _ => Results.Text("Try again later.", statusCode: StatusCodes.Status503ServiceUnavailable),
                };
            })
            .WithMetadata(new AnonymousLimitAttribute(RateLimits.Notifications))
            .DisableAntiforgery()
            .AllowAnonymous()
            .ExcludeFromDescription();
}
