using BackOffice.ECommPay.Sandbox;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Klarna (Sofort) via ECommPay in a test app: the module added from outside (it is not in Program.cs until its shop
/// API, callbacks and pages are built), and the demo channel's service on the mounted sandbox's project.
/// </summary>
internal static class ECommPayShop
{
    public const long ProjectId = 2390;
    public const string SecretKey = "demo-ecommpay-secret-key-for-development-only";

    public static void AddECommPay(this BackOfficeAppFactory app) => app.TestServices.Add(services =>
    {
        var module = new ECommPayModule();
        PaymentProviders.Register(module.Descriptor);
        services.AddSingleton<PaymentProviderModule>(module);
        module.AddServices(services);
    });

    public static ECommPaySandbox ECommPaySandbox(this BackOfficeAppFactory app) => app.Service<ECommPaySandbox>();

    /// <summary>Starts the app on a loopback port (the sandbox is reached over HTTP) with the demo channel's service set up.</summary>
    public static async Task StartWithECommPayAsync(this BackOfficeAppFactory app)
    {
        app.UseKestrel(0);
        app.StartServer();
        await app.Service<ECommPayServices>().SaveAsync(app.Staff(Roles.Administrator), "demo", new ECommPayServiceSettings(true, ProjectId, UseLive: false, null, null), SecretKey, Guid.Empty);
    }
}
