using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// Klarna's legacy XML-RPC API (Invoice and Installments) as one module: reservations from the shop API, the money
/// actions through its port, its PClasses, its channel services and its sandbox, mounted in the app when
/// <c>Sandbox:Mount</c> is true (the Development settings).
/// </summary>
public sealed class KlarnaModule : PaymentProviderModule
{
    public static readonly PaymentProvider Provider = new("KlarnaLegacy");
    public static readonly ServiceKind Invoice = new("Invoice");
    public static readonly ServiceKind Installments = new("Installments");

    /// <summary>The services whose settings the module keeps for each channel (<see cref="PaymentService"/>).</summary>
    public static readonly IReadOnlyList<ServiceKind> Services = [Invoice, Installments];

    private const Capabilities Common = Capabilities.CaptureWhole | Capabilities.CaptureAmount | Capabilities.CaptureLines
        | Capabilities.RefundAmount | Capabilities.RefundLines | Capabilities.Cancel | Capabilities.EditLines
        | Capabilities.ChangeOrderNumber | Capabilities.ResendInvoice;

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "Klarna",
        [new(Invoice, "Klarna Invoice", "Invoice"), new(Installments, "Klarna Installments", "Installments")],
        Common | Capabilities.ChangeAddress | Capabilities.ChangeOrderNumberAfterCapture | Capabilities.ExtendExpiry | Capabilities.ExtendDueDate | Capabilities.DeclinePending)
    {
        HoldName = "Reservation",
        ReferenceLabel = "Reservation",
        MerchantLabel = "Merchant (eid)",
        StartedAs = "Reserved",
        DocumentGoneNote = "expired (30 days after capture)",
        ReconcileDialog = typeof(KlarnaReconcileDialog),
        Countries = [.. KlarnaMarkets.All.Select(m => m.Country.ToString())],
        Currencies = Enum.GetNames<KlarnaCurrency>(),
        Pages = [new("pclasses", "PClasses", MudBlazor.Icons.Material.Filled.Calculate, Policies.Staff, 40)],
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddSingleton<IKlarnaGatewayUrls, GatewayUrls>();
        services.AddScoped<TransactionCredentials>();
        services.AddScoped<OperationReconciler>();
        services.AddScoped<IPaymentPort, KlarnaPort>();
        services.AddScoped<ReservationService>();
        services.AddHostedService<DemoTransactionSeeder>();
        services.AddScoped<ConnectorInitializer>();
        services.AddScoped<PendingStatusPoller>();
        services.AddScoped<IRecurringJob>(provider => provider.GetRequiredService<PendingStatusPoller>());
        services.AddScoped<ReservationExpiryJob>();
        services.AddSingleton(new StartupFact(provider =>
        {
            var urls = provider.GetRequiredService<IOptions<KlarnaGatewayOptions>>().Value;
            var sandbox = SandboxMountPath(provider.GetRequiredService<IConfiguration>()) is { } path ? $"mounted at {path} and used as the test gateway" : "not mounted";
            return $"Klarna live {urls.LiveUrl}, test {urls.TestUrl}; sandbox {sandbox}";
        }));
        // Shared secrets are encrypted with Data Protection, whose key ring the data layer keeps (see KeyRing).
        services.AddSingleton<SharedSecretProtector>();
        services.AddScoped<KlarnaServiceSettings>();
        services.AddSingleton<IChannelServiceSummaries>(new KlarnaChannelServices(Invoice));
        services.AddSingleton<IChannelServiceSummaries>(new KlarnaChannelServices(Installments));
        services.AddChannelCard<KlarnaServiceCards>(order: 0);
        services.AddSingleton<IShopApiOffer, KlarnaShopOffer>();
        services.AddSingleton(new OptionalShopApiFields(typeof(ReservationRequest), "pClass", "clientIp", "shippingAddress", "priceDisplay", "shippingDestinations", "coveredByOtherInstrument", "digitalGoodsOnly"));
        services.AddSingleton(new OptionalShopApiFields(typeof(ApiCustomer), "gender", "email", "phone"));
        services.AddSingleton(new OptionalShopApiFields(typeof(ApiLine), "discountPercent", "isShipment", "isHandling"));
        services.AddKlarnaGateway();
        services.AddOptions<KlarnaGatewayOptions>().BindConfiguration(KlarnaGatewayOptions.Section);
        services.AddKlarnaSandbox();
        services.AddOptions<KlarnaOptions>().BindConfiguration(KlarnaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KlarnaOptions>, KlarnaOptionsValidator>();
        services.AddSingleton<PClasses.PClassFileStore>();
        services.AddScoped<PClasses.PClassCatalog>();
        services.AddScoped<DemoChannelSeeder>();
    }

    public override void Map(WebApplication app)
    {
        if (SandboxMountPath(app.Configuration) is { } path)
            app.MapKlarnaSandbox(path);
    }

    public override async Task StartAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoChannelSeeder>().SeedAsync();
        services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<ReservationExpiryJob>(ReservationExpiryJob.JobId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
    }

    /// <summary>Where the app mounts the Klarna sandbox and uses it as its test gateway (<c>Sandbox:Mount</c>, <c>Sandbox:MountPath</c>).</summary>
    public static string? SandboxMountPath(IConfiguration configuration) => SandboxMount.PathOf(configuration, "Sandbox");
}
