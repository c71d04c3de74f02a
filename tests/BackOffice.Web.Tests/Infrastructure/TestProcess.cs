using System.Runtime.CompilerServices;
using Bunit;

namespace BackOffice.Web.Tests.Infrastructure;

internal static class TestProcess
{
    /// <summary>
    /// Many apps start in one test process: none watches its settings files, or the machine runs out of inotify
    /// instances (128 per user by default).
    /// </summary>
    [ModuleInitializer]
    internal static void DoNotWatchSettingsFiles() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");

    /// <summary>
    /// A wait ends as soon as its state is reached; the ceiling only decides when a missing state fails. bUnit's one
    /// second is reached by a page waiting on a database behind two busy cores.
    /// </summary>
    [ModuleInitializer]
    internal static void WaitLongEnoughForABusyMachine() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(30);
}
