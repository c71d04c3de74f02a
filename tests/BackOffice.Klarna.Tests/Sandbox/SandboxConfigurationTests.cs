using BackOffice.Klarna.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackOffice.Klarna.Tests.Sandbox;

public sealed class SandboxConfigurationTests
{
    [Fact]
    public void Merchants_come_from_environment_variables()
    {
        const string prefix = "BOTEST_SANDBOX_CONFIG_";
        Environment.SetEnvironmentVariable(prefix + "Sandbox__Merchants__0__Eid", "4711");
        Environment.SetEnvironmentVariable(prefix + "Sandbox__Merchants__0__Secret", "from-the-environment");

        var options = Options(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());

        var merchant = Assert.Single(options.Merchants);
        Assert.Equal(4711, merchant.Eid);
        Assert.Equal("from-the-environment", merchant.Secret);
        Assert.Equal(30, options.PendingSeconds);
        Assert.False(options.ControlApi);
    }

    [Theory]
    [InlineData("0", "secret")]
    [InlineData("5", "")]
    public void A_merchant_without_a_positive_eid_and_a_secret_is_refused(string eid, string secret)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:Merchants:0:Eid"] = eid,
            ["Sandbox:Merchants:0:Secret"] = secret,
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => Options(configuration));

        Assert.Contains("Sandbox:Merchants", error.Message, StringComparison.Ordinal);
    }

    private static SandboxOptions Options(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        services.AddKlarnaSandbox();
        return services.BuildServiceProvider().GetRequiredService<IOptions<SandboxOptions>>().Value;
    }
}
