using BackOffice.Computop.Sandbox;
using BackOffice.Sandbox.Kit;

namespace BackOffice.Web.Features.Computop;

/// <summary>Computop Paygate: its sandbox mounted in the app when <c>ComputopSandbox:Mount</c> is true (the Development settings).</summary>
internal static class ComputopSetup
{
    public static IServiceCollection AddComputop(this IServiceCollection services) => services.AddComputopSandbox();

    public static void MapInProcessComputopSandbox(this WebApplication app)
    {
        if (SandboxMountPath(app.Configuration) is { } path)
            app.MapComputopSandbox(path);
    }

    private static string? SandboxMountPath(IConfiguration configuration) => SandboxMount.PathOf(configuration, ComputopSandboxOptions.Section);
}
