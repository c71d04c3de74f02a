using System.Net;
using BackOffice.Computop;
using BackOffice.Computop.Sandbox;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features.Computop;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class InProcessComputopSandboxTests
{
    [Fact]
    public async Task In_development_the_computop_sandbox_answers_under_sandbox_computop_with_the_development_merchant()
    {
        await using var app = new BackOfficeAppFactory();
        app.StartOnLoopback();
        var client = new ComputopClient(new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/computop/") });

        var unknown = await client.InquireAsync(new PaygateCredentials("KP_DemoShop", "demo-computop-hmac-key-for-development-only", "demo-bf-pass"), new string('0', 32), "T-1");

        Assert.Equal((ComputopSandbox.PaymentNotFound, PaygateOutcome.Refused), (unknown.Code, unknown.Outcome));
    }

    [Fact]
    public async Task Without_its_mount_setting_nothing_is_mounted()
    {
        await using var app = new BackOfficeAppFactory { Settings = { ["ComputopSandbox:Mount"] = "false" } };

        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/sandbox/computop/version")).StatusCode);
    }
}
