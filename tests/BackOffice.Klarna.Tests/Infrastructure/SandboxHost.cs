using BackOffice.Klarna.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Klarna.Tests.Infrastructure;

/// <summary>The sandbox on a real loopback port, on a fake clock, with two merchants and the control API on.</summary>
public sealed class SandboxHost : IAsyncLifetime
{
    public const int Eid = 1395;
    public const string Secret = "sandbox-test-secret";
    public const int OtherEid = 2728;
    public const string OtherSecret = "other-test-secret";

    /// <summary>Every merchant the sandbox knows, including the two eids of the recordings (2728 and 10).</summary>
    public static IReadOnlyDictionary<int, string> Secrets { get; } = new Dictionary<int, string>
    {
        [Eid] = Secret,
        [OtherEid] = OtherSecret,
        [10] = "recorded-merchant-10-secret",
    };

    private WebApplication? app;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public Uri BaseAddress { get; private set; } = null!;

    public KlarnaCredentials Merchant { get; } = new(Eid, Secret, KlarnaEnvironment.Test);

    public SandboxControlClient Control => new(new HttpClient { BaseAddress = BaseAddress });

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Sandbox:ControlApi"] = "true",
        ["Sandbox:PendingSeconds"] = "30",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var merchants = Secrets.Select((merchant, i) => new[]
        {
            KeyValuePair.Create($"Sandbox:Merchants:{i}:Eid", (string?)merchant.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            KeyValuePair.Create($"Sandbox:Merchants:{i}:Secret", (string?)merchant.Value),
        }).SelectMany(pair => pair);
        builder.Configuration.AddInMemoryCollection([.. merchants, .. Settings]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddKlarnaSandbox();
        app = builder.Build();
        app.MapKlarnaSandbox();
        await app.StartAsync();
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public KlarnaGateway Gateway(Action<KlarnaGatewayOptions>? configure = null)
    {
        var options = new KlarnaGatewayOptions { TestUrl = BaseAddress, LiveUrl = BaseAddress, ReadRetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new KlarnaGateway(new HttpClient(), wrapped, new ConfiguredKlarnaGatewayUrls(wrapped));
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
            await app.DisposeAsync();
    }
}
