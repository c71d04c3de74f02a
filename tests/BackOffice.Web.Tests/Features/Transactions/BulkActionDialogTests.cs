using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>The bulk dialog over the real service and the in-process sandbox: confirm, run with progress, filter the per-row results.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class BulkActionDialogTests : BackOfficeTestContext, IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Klarna:Gateway:Timeout"] = "00:00:05" } };

    protected override void AddServices(IServiceCollection services) => services.AddSingleton(_ => app.Service<BulkActions>());

    async Task IAsyncLifetime.InitializeAsync()
    {
        app.StartOnLoopback();
        await Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Capture_everything_runs_after_the_confirmation_and_shows_each_rows_result_filterable()
    {
        var first = await DemoReservations.ReserveAsync(app);
        var second = await DemoReservations.ReserveAsync(app);
        var sandbox = new SandboxControlClient(new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna/") });
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Fault, 2102));
        var plan = await app.Service<BulkActions>().PlanAsync(Clerk, BulkAction.CaptureEverything, [first.Id, second.Id]);
        var provider = Render<MudDialogProvider>();
        IDialogReference? dialog = null;
        await provider.InvokeAsync(async () => dialog = await Services.GetRequiredService<IDialogService>().ShowAsync<BulkActionDialog>("Capture everything",
            new DialogParameters<BulkActionDialog> { { d => d.Plan, plan }, { d => d.User, Clerk } }));

        Assert.Equal("Capture everything for 2 transaction(s)?", provider.Find("[data-testid=bulk-confirmation]").TextContent.Trim());
        Assert.Equal(["EUR", "2", "EUR 51.00"], provider.FindAll("[data-testid=bulk-sum] td").Select(c => c.TextContent.Trim().Replace('\u00A0', ' ')));
        await provider.Find("[data-testid=bulk-run]").ClickAsync(new MouseEventArgs());

        provider.WaitForAssertion(() => Assert.Equal("Succeeded: 1, Failed: 1.", provider.Find("[data-testid=bulk-summary]").TextContent.Trim()));
        Assert.Equal(2, provider.FindAll("[data-testid=bulk-results] li").Count);
        await provider.FindAll(".mud-chip").Single(c => c.TextContent.Trim().StartsWith("Failed", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());
        provider.WaitForAssertion(() => Assert.Equal(["Failed"], provider.FindAll("[data-testid=bulk-results] li").Select(li => li.GetAttribute("data-state"))));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Done").ClickAsync(new MouseEventArgs());
        Assert.False((await dialog!.Result)!.Canceled);
        Assert.Equal(2, await sandbox.CallsAsync("activate"));
    }
}
