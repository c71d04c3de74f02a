using System.Net;
using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Klarna;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class InProcessSandboxTests
{
    [Fact]
    public async Task In_development_the_test_gateway_is_the_mounted_sandbox_over_real_http()
    {
        await using var app = new BackOfficeAppFactory();
        app.StartOnLoopback();
        var gateway = app.Services.GetRequiredService<IKlarnaGateway>();
        var merchant = new KlarnaCredentials(1395, "demo-invoice-secret-1395", KlarnaEnvironment.Test);

        var version = await gateway.PingAsync(KlarnaEnvironment.Test);
        var pclasses = await gateway.GetPClassesAsync(merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE);

        Assert.Equal(SandboxEndpoints.VersionText, version);
        Assert.Contains(pclasses, p => p.Id == 3113);
        Assert.Equal(
            new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna/"),
            app.Services.GetRequiredService<IKlarnaGatewayUrls>().For(KlarnaEnvironment.Test));
        using var http = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna/") };
        Assert.Equal(1, await new SandboxControlClient(http).CallsAsync("get_pclasses"));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Without_sandbox_mount_nothing_is_mounted_in_any_environment_and_the_gateways_are_klarnas_own(string environment)
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = environment, Settings = { ["Sandbox:Mount"] = "false", ["Sandbox:MountPath"] = "/sandbox/klarna" } };
        var client = app.CreateClient();

        var version = await client.GetAsync("/sandbox/klarna/version");
        var control = await client.GetAsync("/sandbox/klarna/_sandbox/calls");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (version.StatusCode, control.StatusCode));
        var urls = app.Services.GetRequiredService<IKlarnaGatewayUrls>();
        Assert.Equal(new Uri("https://payment.testdrive.klarna.com/"), urls.For(KlarnaEnvironment.Test));
        Assert.Equal(new Uri("https://payment.klarna.com/"), urls.For(KlarnaEnvironment.Live));
    }

    [Fact]
    public async Task The_sandbox_is_mounted_where_sandbox_mount_says_so_whatever_the_environment_is_called()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Staging", Settings = { ["Sandbox:Mount"] = "true", ["Sandbox:MountPath"] = "/sandbox/klarna" } };

        var version = await app.CreateClient().GetAsync("/sandbox/klarna/version");

        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Contains(app.Logs.Messages, m => m.Contains("environment Staging", StringComparison.Ordinal) && m.Contains("sandbox mounted at /sandbox/klarna", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_urls_and_timeout_come_from_configuration()
    {
        await using var app = new BackOfficeAppFactory
        {
            EnvironmentName = "Production",
            Settings = { ["Klarna:Gateway:LiveUrl"] = "https://klarna.proxy.example/", ["Klarna:Gateway:Timeout"] = "00:00:30" },
        };
        app.CreateClient();

        Assert.Equal(new Uri("https://klarna.proxy.example/"), app.Services.GetRequiredService<IKlarnaGatewayUrls>().For(KlarnaEnvironment.Live));
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KlarnaGatewayOptions>>().Value.Timeout);
    }
}
