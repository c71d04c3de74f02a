using BackOffice.Web.Components.Layout;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Components.Layout;

public sealed class MainLayoutTests : BackOfficeTestContext
{
    private static readonly string[] AdministratorOnly = ["Channels", "Jobs", "Audit log", "Users"];
    private static readonly string[] EveryRole = ["Overview", "Transactions", "Subscriptions", "PClasses", "Your account"];

    [Fact]
    public void Administrator_sees_every_navigation_entry()
    {
        SignInAs("admin@test.local", Roles.Administrator);

        var entries = NavigationEntries(RenderLayout());

        Assert.Equal(["Overview", "Transactions", "Subscriptions", "Batch files", "Klarna payouts", "Channels", "PClasses", "Jobs", "Audit log", "Users", "Your account"], entries);
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Operator)]
    public void Viewer_and_operator_see_only_transactions_subscriptions_and_pclasses_and_the_operator_the_batch_files_and_payouts(string role)
    {
        SignInAs("staff@test.local", role);

        var entries = NavigationEntries(RenderLayout());

        Assert.Equal(role == Roles.Operator ? ["Overview", "Transactions", "Subscriptions", "Batch files", "Klarna payouts", "PClasses", "Your account"] : EveryRole, entries);
        foreach (var hidden in AdministratorOnly)
            Assert.DoesNotContain(hidden, entries);
    }

    [Fact]
    public void App_bar_shows_the_product_the_user_and_sign_out()
    {
        SignInAs("admin@test.local", Roles.Administrator);

        var layout = RenderLayout();

        Assert.Contains("Klarna Back Office", layout.Markup, StringComparison.Ordinal);
        Assert.Equal("admin@test.local", layout.Find("[data-testid=signed-in-user]").TextContent.Trim());
        Assert.Equal("Account/Logout", layout.Find("form").GetAttribute("action"));
        Assert.Contains("Sign out", layout.Find("form button").TextContent, StringComparison.Ordinal);
        Assert.Equal("Development", layout.Find("[data-testid=environment-badge]").TextContent.Trim());
    }

    [Fact]
    public void Dark_mode_toggle_switches_the_theme_and_remembers_it()
    {
        SignInAs("admin@test.local", Roles.Administrator);
        var layout = RenderLayout();

        layout.Find("button[aria-label='Switch to dark mode']").Click();

        Assert.NotNull(layout.Find("button[aria-label='Switch to light mode']"));
        var stored = JSInterop.Invocations["localStorage.setItem"].Single();
        Assert.Equal(["backoffice.theme", "dark"], stored.Arguments);
    }

    [Fact]
    public void With_a_channel_in_context_the_app_bar_shows_each_services_environment()
    {
        SignInAs("admin@test.local", Roles.Administrator);
        var layout = RenderLayout();
        ServiceSummary[] services = [new(KlarnaModule.Invoice, "Invoice", true, ProviderEnvironment.Test), new(KlarnaModule.Installments, "Installments", true, ProviderEnvironment.Live),
            new(ComputopModule.KlarnaPayments, "Klarna Payments", true, ProviderEnvironment.Test)];

        layout.InvokeAsync(() => Services.GetRequiredService<ChannelContext>().Set(new ChannelView("shop-de", "Shop") { Services = services }));

        layout.WaitForAssertion(() => Assert.Equal("shop-de", layout.Find("[data-testid=channel-in-context]").TextContent));
        Assert.Equal(["Invoice Test", "Installments Live", "Klarna Payments Test"], layout.FindAll("[data-testid=environment]").Select(e => e.TextContent.Trim()));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(parameters => parameters.Add(p => p.Body, (RenderFragment)(builder => builder.AddContent(0, "page body"))));

    private static List<string> NavigationEntries(IRenderedComponent<MainLayout> layout) =>
        [.. layout.FindAll("nav a").Select(link => link.TextContent.Trim())];
}
