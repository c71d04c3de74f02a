using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackOffice.EndToEnd.Infrastructure;

/// <summary>
/// The app as a process of its own (the built BackOffice.Web.dll, run like <c>dotnet run</c> from its project folder)
/// on a free loopback port, with settings as environment variables; everything it writes is kept.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;

    private AppProcess(Process process, Uri baseAddress) => (this.process, BaseAddress) = (process, baseAddress);

    public Uri BaseAddress { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public static AppProcess Start(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var port = FreePort();
        var project = Path.Combine(RepositoryRoot(), "src", "BackOffice.Web");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(project, "bin", Configuration(), "net10.0", "BackOffice.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var app = new AppProcess(new Process { StartInfo = start }, new Uri($"http://127.0.0.1:{port}/"));
        app.process.OutputDataReceived += (_, line) => app.Keep(line.Data);
        app.process.ErrorDataReceived += (_, line) => app.Keep(line.Data);
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until /health answers 200, or fails with what the app wrote.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
                break;
            try
            {
                if ((await http.GetAsync("health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"The app at {BaseAddress} did not become healthy:\n{string.Join('\n', Output.TakeLast(40))}");
    }

    public int Count(string text) => Output.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until the app has exited by itself, and answers its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var waiting = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(waiting.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
            Output.Enqueue(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Debug or Release: the configuration these tests were built in, which built the app too.</summary>
    private static string Configuration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BackOffice.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("BackOffice.sln not found above the test assembly.");
    }
}
