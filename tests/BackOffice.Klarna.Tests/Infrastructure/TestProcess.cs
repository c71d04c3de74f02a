using System.Runtime.CompilerServices;

namespace BackOffice.Klarna.Tests.Infrastructure;

internal static class TestProcess
{
    /// <summary>
    /// Many apps start in one test process: none watches its settings files, or the machine runs out of inotify
    /// instances (128 per user by default).
    /// </summary>
    [ModuleInitializer]
    internal static void DoNotWatchSettingsFiles() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
