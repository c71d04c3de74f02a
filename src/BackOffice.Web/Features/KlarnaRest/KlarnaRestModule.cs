using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// Klarna Payments through Klarna's own REST platform (Payments, Order Management, Settlements) as one module: its
/// port for the after-purchase actions, its connections and the reconciliation that reads the order, and its sandbox
/// mounted in the app when <c>KlarnaRestSandbox:Mount</c> is true (the Development settings).
/// </summary>
public sealed class KlarnaRestModule : PaymentProviderModule
{
    public static readonly PaymentProvider Provider = new("KlarnaRest");
    public static readonly ServiceKind KlarnaPaymentsDirect = new("KlarnaPaymentsDirect");

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "Klarna", [new(KlarnaPaymentsDirect, "Klarna Payments (direct)", "Klarna (direct)")],
        Capabilities.CaptureWhole | Capabilities.CaptureAmount | Capabilities.CaptureLines | Capabilities.RefundAmount | Capabilities.RefundLines
        | Capabilities.Cancel | Capabilities.EditLines | Capabilities.ChangeAddress | Capabilities.ChangeOrderNumber | Capabilities.ChangeOrderNumberAfterCapture
        | Capabilities.ResendInvoice | Capabilities.ExtendExpiry | Capabilities.CaptureShipment)
    {
        HoldName = "Order",
        ReferenceLabel = "Klarna order ID",
        CallReferenceLabel = "Refund ID",
        MerchantLabel = "Merchant (API username)",
        StartedAs = "Authorized",
        ReconcileDialog = typeof(KlarnaRestReconcileDialog),
        TransactionPanel = typeof(VirtualCardsPanel),
        Countries = KlarnaRestCheckout.Countries,
        Currencies = KlarnaRestCheckout.Currencies,
        Pages = [new("klarna/payouts", "Klarna payouts", MudBlazor.Icons.Material.Filled.Payments, Policies.Operator, 25)],
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddOptions<KlarnaRestOptions>().BindConfiguration(KlarnaRestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VirtualCardKeyStoreOptions>().BindConfiguration(VirtualCardKeyStoreOptions.Section);
        services.AddHttpClient(KlarnaRestConnections.HttpClientName);
        services
            .AddScoped<KlarnaRestConnections>()
            .AddScoped<KlarnaRestReconciler>()
            .AddScoped<KlarnaRestServices>()
            .AddScoped<KlarnaRestCheckout>()
            .AddScoped<KlarnaRestNotifications>()
            .AddScoped<KlarnaPayouts>()
            .AddScoped<VirtualCardKeys>()
            .AddSingleton<VirtualCardKeyStore>()
            .AddSingleton<VirtualCardKeyGenerator>()
            .AddScoped<CardSettlements>()
            .AddScoped<MarketplaceSellers>()
            .AddSingleton<ITransactionMark, VirtualCardMark>()
            .AddScoped<IRecurringJob, KlarnaRestOrderCheck>()
            .AddScoped<IRecurringJob, CardSettlementCheck>()
            .AddSingleton<KlarnaRestDemoSeeder>()
            .AddHostedService(provider => provider.GetRequiredService<KlarnaRestDemoSeeder>())
            .AddScoped<IRecurringJob, KlarnaPayoutImport>()
            .AddScoped<IPaymentPort, KlarnaRestPort>()
            .AddScoped<ISubscriptionPayments, KlarnaRestSubscriptionPayments>()
            .AddSingleton<IShopApiOffer, KlarnaRestShopOffer>()
            .AddSingleton<IChannelServiceSummaries, KlarnaRestChannelServices>()
            .AddChannelCard<KlarnaRestServiceCard>(order: 2)
            .AddChannelCard<VirtualCardsCard>(order: 4)
            .AddKlarnaRestSandbox();
    }

    public override Task StartAsync(IServiceProvider services) => services.GetRequiredService<KlarnaRestDemoSeeder>().SeedChannelAsync();

    public override void Map(WebApplication app)
    {
        if (SandboxMount.PathOf(app.Configuration, KlarnaRestSandboxOptions.Section) is { } path)
            app.MapKlarnaRestSandbox(path);
        MapNotifications(app);
        MapPayoutExport(app);
    }

    /// <summary><c>GET /klarna/payouts/{channel}/export.csv</c>: every line of the channel's payouts, in the reader's spreadsheet format.</summary>
    private static IEndpointConventionBuilder MapPayoutExport(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/klarna/payouts/{channel}/export.csv", async (string channel, HttpContext context, KlarnaPayouts payouts, IConfiguration configuration, TimeProvider time) =>
            {
                var format = CsvFormat.For(System.Globalization.CultureInfo.CurrentCulture, configuration["Export:CsvSeparator"]);
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = $"attachment; filename={CsvFormat.FileName($"klarna-payouts-{channel}", time.GetUtcNow())}";
                await payouts.WriteCsvAsync(channel, context.Response.Body, format, context.RequestAborted);
                return Results.Empty;
            })
            .RequireAuthorization(Policies.Operator);

    /// <summary>
    /// Klarna's notification of a fraud decision for each channel: 200 taken (also when nothing changed), 400 not
    /// Klarna's JSON, 404 no such order here (Klarna tries again later), 503 try again later. Limited per address and
    /// per channel (<see cref="RateLimits.Notifications"/>).
    /// </summary>
    private static IEndpointConventionBuilder MapNotifications(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/notify/klarna/{channel}", async (string channel, HttpContext context, KlarnaRestNotifications notifications) =>
            {
                if (context.Request.ContentLength > 16 * 1024)
                    return Results.Text("Refused.", statusCode: StatusCodes.Status413PayloadTooLarge);
                KlarnaFraudNotification? notification;
                try
                {
                    notification = await context.Request.ReadFromJsonAsync<KlarnaFraudNotification>(BackOffice.KlarnaRest.KlarnaJson.Options, context.RequestAborted);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
                {
                    notification = null;
                }
                if (notification?.OrderId is not { Length: > 0 and <= 255 } orderId)
                    return Results.Text("Refused.", statusCode: StatusCodes.Status400BadRequest);
                return await notifications.TakeAsync(channel, orderId, context.RequestAborted) switch
                {
                    KlarnaNotificationResult.Taken => Results.Text("OK"),
                    KlarnaNotificationResult.UnknownOrder => Results.Text("No such order here.", statusCode: StatusCodes.Status404NotFound),
                    _ => Results.Text("Try again later.", statusCode: StatusCodes.Status503ServiceUnavailable),
                };
            })
            .WithMetadata(new AnonymousLimitAttribute(RateLimits.Notifications))
            .DisableAntiforgery()
            .AllowAnonymous()
            .ExcludeFromDescription();

    private sealed record KlarnaFraudNotification(string? OrderId, string? EventType);
}
