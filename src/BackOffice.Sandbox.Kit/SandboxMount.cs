using Microsoft.Extensions.Configuration;

namespace BackOffice.Sandbox.Kit;

/// <summary>
/// Where the app mounts a sandbox: <c>{section}:MountPath</c> when <c>{section}:Mount</c> is true (the Development
/// settings set it; an environment's name never implies it).
/// </summary>
public static class SandboxMount
{
    public static string? PathOf(IConfiguration configuration, string section) =>
        configuration.GetValue<bool>($"{section}:Mount") && configuration[$"{section}:MountPath"] is { Length: > 0 } path && path.Trim('/').Length > 0
            ? "/" + path.Trim('/')
            : null;
}
