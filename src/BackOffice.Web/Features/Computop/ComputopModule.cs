using BackOffice.Computop.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// Klarna Payments through Computop Paygate as one module: its port for the money actions, its connections, its
/// notifications and batch files, and its sandbox mounted in the app when <c>ComputopSandbox:Mount</c> is true (the
/// Development settings).
/// </summary>
public sealed class ComputopModule : PaymentProviderModule
{
    public static readonly PaymentProvider Provider = new("Computop");
    public static readonly ServiceKind KlarnaPayments = new("KlarnaPayments");

    private const Capabilities Common = Capabilities.CaptureWhole | Capabilities.CaptureAmount | Capabilities.CaptureLines
        | Capabilities.RefundAmount | Capabilities.RefundLines | Capabilities.Cancel | Capabilities.EditLines
        | Capabilities.ChangeOrderNumber | Capabilities.ResendInvoice;

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "Computop", [new(KlarnaPayments, "Klarna Payments (Computop)", "Klarna Payments")], Common | Capabilities.FinalCapture)
    {
        HoldName = "Payment",
        ReferenceLabel = "PayID",
        ShopReferenceLabel = "TransID",
        CallReferenceLabel = "XID",
        MerchantLabel = "Merchant (MerchantID)",
        StartedAs = "Authorized",
        ReconcileDialog = typeof(ComputopReconcileDialog),
        Currencies = ComputopShopOffer.FollowUpCurrencies,
        Pages = [new("computop/batches", "Batch files", MudBlazor.Icons.Material.Filled.Inventory, Policies.Operator, 20)],
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddOptions<ComputopOptions>().BindConfiguration(ComputopOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(ComputopConnections.HttpClientName);
        services
            .AddScoped<ComputopConnections>()
            .AddScoped<ComputopReconciler>()
            .AddScoped<ComputopNotifications>()
            .AddScoped<ComputopServices>()
            .AddScoped<ComputopBatches>()
            .AddSingleton<ComputopDemoSeeder>()
            .AddHostedService(provider => provider.GetRequiredService<ComputopDemoSeeder>())
            .AddScoped<IPaymentPort, ComputopPort>()
            .AddSingleton<IChannelServiceSummaries, ComputopChannelServices>()
            .AddSingleton<IShopApiOffer, ComputopShopOffer>()
            .AddChannelCard<ComputopServiceCard>(order: 1)
            .AddComputopSandbox();
    }

    public override Task StartAsync(IServiceProvider services) => services.GetRequiredService<ComputopDemoSeeder>().SeedChannelAsync();

    public override void Map(WebApplication app)
    {
        if (SandboxMountPath(app.Configuration) is { } path)
            app.MapComputopSandbox(path);
        MapNotifications(app);
        MapBatchFiles(app);
    }

    private static string? SandboxMountPath(IConfiguration configuration) => SandboxMount.PathOf(configuration, ComputopSandboxOptions.Section);

    /// <summary>
    /// Paygate's URLNotify for each channel. It answers with a body, so that the app's status-code pages stay out of it:
    /// 200 taken, 400 refused, 413 too large (refusals audited per source and minute), 404 no Computop service there,
    /// 503 try again later. Limited per address and per channel (<see cref="RateLimits.Notifications"/>).
    /// </summary>
    private static IEndpointConventionBuilder MapNotifications(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/notify/computop/{channel}", async (string channel, HttpContext context, ComputopNotifications notifications, RefusedNotifications refused) =>
            {
                var source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var (form, refusal) = await NotificationForm.ReadAsync(context);
                if (refusal is not null)
                {
                    await refused.RecordAsync(ComputopNotifications.Actor, source, channel, refusal.Why);
                    return Results.Text("Refused.", statusCode: refusal.Status);
                }
                return await notifications.TakeAsync(channel, source, form!, context.RequestAborted) switch
                {
                    NotificationResult.Taken => Results.Text("OK"),
                    NotificationResult.UnknownChannel => Results.Text("No Computop service here.", statusCode: StatusCodes.Status404NotFound),
                    NotificationResult.Refused => Results.Text("Refused.", statusCode: StatusCodes.Status400BadRequest),
                    _ => Results.Text("Try again later.", statusCode: StatusCodes.Status503ServiceUnavailable),
                };
            })
            .WithMetadata(new AnonymousLimitAttribute(RateLimits.Notifications))
            .DisableAntiforgery()
            .AllowAnonymous()
            .ExcludeFromDescription();

    /// <summary><c>GET /computop/batches/{id}/file</c>: an exported batch file, for Computop's batch manager.</summary>
    private static IEndpointConventionBuilder MapBatchFiles(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/computop/batches/{id:guid}/file", async (Guid id, HttpContext context, ComputopBatches batches) =>
            {
                try
                {
                    var (fileName, text) = await batches.FileAsync(context.User, id);
                    return Results.File(System.Text.Encoding.ASCII.GetBytes(text), "text/plain", fileName);
                }
                catch (BusinessRuleException e)
                {
                    return Results.Text(e.Message, statusCode: StatusCodes.Status404NotFound);
                }
            })
            .RequireAuthorization(Policies.Operator);
}
