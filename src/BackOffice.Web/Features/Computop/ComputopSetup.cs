using BackOffice.Computop.Sandbox;

namespace BackOffice.Web.Features.Computop;

/// <summary>Computop Paygate: its sandbox mounted in the app when <c>ComputopSandbox:Mount</c> is true (the Development settings).</summary>
internal static class ComputopSetup
{
    public const string SandboxMountKey = "ComputopSandbox:Mount";

    public const string SandboxMountPathKey = "ComputopSandbox:MountPath";

    public static IServiceCollection AddComputop(this IServiceCollection services) => services.AddComputopSandbox();

    public static void MapInProcessComputopSandbox(this WebApplication app)
    {
        if (SandboxMountPath(app.Configuration) is { } path)
            app.MapComputopSandbox(path);
    }

    public static string? SandboxMountPath(IConfiguration configuration) =>
        configuration.GetValue<bool>(SandboxMountKey) && configuration[SandboxMountPathKey] is { Length: > 0 } path && path.Trim('/').Length > 0 ? "/" + path.Trim('/') : null;
}
