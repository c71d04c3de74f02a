using BackOffice.Web.Features;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;

namespace BackOffice.Web.Tests.Features.Channels;

public sealed class ServiceInitializationStatusTests : BackOfficeTestContext
{
    private static readonly ServiceInitialization TestInitialization =
        new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), "admin@test.local", ProviderEnvironment.Test, 1395, true, 12, 1, new Message("12 PClasses"));

    [Fact]
    public void The_initialization_of_the_settings_shown_is_reported()
    {
        var status = Render<ServiceInitializationStatus>(p => p.Add(s => s.Initialization, TestInitialization)
            .Add(s => s.Environment, ProviderEnvironment.Test).Add(s => s.MerchantId, 1395));

        var text = string.Join(' ', status.Find("[data-testid=initialization]").TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Initialized 2026-11-20 10:00 Berlin time by admin@test.local, Test, eid 1395: 12 PClasses", text, StringComparison.Ordinal);
    }

    [Fact]
    public void After_switching_to_live_the_test_initialization_no_longer_counts()
    {
        var status = Render<ServiceInitializationStatus>(p => p.Add(s => s.Initialization, TestInitialization)
            .Add(s => s.Environment, ProviderEnvironment.Live).Add(s => s.MerchantId, 1395));

        var text = status.Find("[data-testid=initialization]").TextContent;
        Assert.Contains("Not initialized for Live, eid 1395", text, StringComparison.Ordinal);
        Assert.Contains("was for other settings", text, StringComparison.Ordinal);
        Assert.DoesNotContain("12 PClasses", text, StringComparison.Ordinal);
    }
}
