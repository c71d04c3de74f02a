using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

internal static class KlarnaSetup
{
    public static IServiceCollection AddKlarna(this IServiceCollection services)
    {
        services.AddSingleton<IKlarnaGatewayUrls, GatewayUrls>();
        services.AddKlarnaGateway();
        services.AddOptions<KlarnaGatewayOptions>().BindConfiguration(KlarnaGatewayOptions.Section);
        services.AddKlarnaSandbox();
        services.AddOptions<KlarnaOptions>().BindConfiguration(KlarnaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KlarnaOptions>, KlarnaOptionsValidator>();
        return services;
    }

    public static void MapInProcessSandbox(this WebApplication app)
    {
        if (SandboxMountPath(app.Configuration) is { } path)
            app.MapKlarnaSandbox(path);
    }

    /// <summary>Where the app mounts the Klarna sandbox and uses it as its test gateway (<c>Sandbox:Mount</c>, <c>Sandbox:MountPath</c>).</summary>
    public static string? SandboxMountPath(IConfiguration configuration) => SandboxMount.PathOf(configuration, "Sandbox");
}
