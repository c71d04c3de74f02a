using BackOffice.Klarna.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// The Klarna sandbox in a host of its own on a loopback port, with the demo channel's merchants: it outlives the app
/// when a test restarts the app, as Klarna would.
/// </summary>
public sealed class StandaloneSandbox : IAsyncDisposable
{
    private readonly WebApplication app;

    private StandaloneSandbox(WebApplication app, Uri baseAddress) => (this.app, BaseAddress) = (app, baseAddress);

    public Uri BaseAddress { get; }

    public SandboxControlClient Control => new(new HttpClient { BaseAddress = BaseAddress });

    /// <summary>Settings that point an app's test gateway here instead of its own in-process sandbox.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AppSettings =>
    [
        new("Sandbox:MountPath", ""),
        new("Klarna:Gateway:TestUrl", BaseAddress.ToString()),
    ];

    public static async Task<StandaloneSandbox> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:ControlApi"] = "true",
            ["Sandbox:Merchants:0:Eid"] = "1395",
            ["Sandbox:Merchants:0:Secret"] = "demo-invoice-secret-1395",
            ["Sandbox:Merchants:1:Eid"] = "2728",
            ["Sandbox:Merchants:1:Secret"] = "demo-installments-secret-2728",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddKlarnaSandbox();
        var app = builder.Build();
        app.MapKlarnaSandbox();
        await app.StartAsync();
        return new StandaloneSandbox(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/"));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
