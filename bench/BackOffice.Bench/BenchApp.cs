using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackOffice.Bench;

/// <summary>The real app in this process on a loopback port, with its in-process sandbox, on the bench's database.</summary>
public sealed class BenchApp(BenchDatabase database) : WebApplicationFactory<Program>
{
    public const string ApiKey = "bo_demo-shop-key-for-development-only";

    public T Service<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public HttpClient ShopClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = ClientOptions.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public static BenchApp Start(BenchDatabase database)
    {
        // The app's content root, as `dotnet run` has it; the factory's own guess assumes a test project's layout.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_BACKOFFICE_WEB", Path.Combine(RepositoryRoot(), "src", "BackOffice.Web"));
        var app = new BenchApp(database);
        app.UseKestrel();
        app.StartServer();
        return app;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BackOffice.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Run the bench from the repository: BackOffice.sln was not found above it.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Not UseKestrel(0): that port is set while Program may already be starting Kestrel; a setting is read at its start.
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        foreach (var (key, value) in database.Settings)
            builder.UseSetting(key, value);
        builder.UseSetting("Seed:DemoTransactions", "0");
        // Pending orders stay pending in the sandbox for the whole run; the shop API is not limited here.
        builder.UseSetting("Sandbox:PendingSeconds", "86400");
        builder.UseSetting("ShopApi:RequestsPerMinute", "10000000");
        builder.UseSetting("Email:PickupDirectory", Path.Combine(Path.GetTempPath(), "backoffice-bench-mail"));
        // The app's log would only slow what is measured.
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }
}
