using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

internal static class KlarnaSetup
{
    /// <summary>Where the app mounts the Klarna sandbox and uses it as its test gateway, when <c>Sandbox:Mount</c> is true.</summary>
    public const string SandboxMountPathKey = "Sandbox:MountPath";

    /// <summary>Whether to mount the sandbox: set in the Development settings, never implied by the environment's name.</summary>
    public const string SandboxMountKey = "Sandbox:Mount";

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

    public static string? SandboxMountPath(IConfiguration configuration) =>
        configuration.GetValue<bool>(SandboxMountKey) && configuration[SandboxMountPathKey] is { Length: > 0 } path && path.Trim('/').Length > 0 ? "/" + path.Trim('/') : null;
}
