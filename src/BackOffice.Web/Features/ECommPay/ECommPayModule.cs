using BackOffice.ECommPay.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;

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

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "ECommPay", [new(KlarnaSofort, "Klarna (Sofort) via ECommPay", "Sofort")],
        Capabilities.RefundAmount | Capabilities.RefundLines)
    {
        HoldName = "Payment",
        ReferenceLabel = "Payment ID",
        CallReferenceLabel = "Request ID",
        MerchantLabel = "Project",
        StartedAs = "Paid",
        ReconcileDialog = typeof(ECommPayReconcileDialog),
        Countries = ["AT", "BE", "CH", "DE", "ES", "GB", "IT", "NL", "PL"],
        Currencies = ECommPaySandbox.Currencies,
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddOptions<ECommPayOptions>().BindConfiguration(ECommPayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(ECommPayConnections.HttpClientName);
        services
            .AddScoped<ECommPayConnections>()
            .AddScoped<ECommPayServices>()
            .AddSingleton<IChannelServiceSummaries, ECommPayChannelServices>()
            .AddChannelCard<ECommPayServiceCard>(order: 3)
            .AddECommPaySandbox();
    }

    public override void Map(WebApplication app)
    {
        if (SandboxMount.PathOf(app.Configuration, ECommPaySandboxOptions.Section) is { } path)
            app.MapECommPaySandbox(path);
    }
}
