using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

internal static class KlarnaSetup
{
    /// <summary>In Development, where the app mounts the Klarna sandbox (Sandbox:MountPath) and uses it as its test gateway.</summary>
    public const string SandboxMountPathKey = "Sandbox:MountPath";

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
        if (SandboxMountPath(app.Configuration, app.Environment) is { } path)
            app.MapKlarnaSandbox(path);
    }

    public static string? SandboxMountPath(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() && configuration[SandboxMountPathKey] is { Length: > 0 } path ? "/" + path.Trim('/') : null;
}
