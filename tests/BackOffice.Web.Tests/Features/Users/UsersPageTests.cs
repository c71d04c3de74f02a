using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Users;

/// <summary>The Users page in bUnit, over the real user administration of an app on its own database.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class UsersPageTests : BackOfficeTestContext, IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();
    private string adminId = "";

    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton(_ => new UserAdministrationScopes(app.Services.GetRequiredService<IServiceScopeFactory>()));

    async Task IAsyncLifetime.InitializeAsync()
    {
        app.CreateClient();
        await using var scope = app.Services.CreateAsyncScope();
        adminId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(IdentitySeeder.DefaultAdminEmail))!.Id;
        SignInAsUser(adminId, IdentitySeeder.DefaultAdminEmail, Roles.Administrator);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task An_administrator_creates_a_user_and_sees_the_link_once_with_a_copy_button()
    {
        var provider = Render<MudDialogProvider>();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains(IdentitySeeder.DefaultAdminEmail, page.Markup, StringComparison.Ordinal));

        // The click's handler waits for the dialog's answer, so it is awaited only once the dialog is answered.
        var creating = page.FindAll("button").Single(b => b.TextContent.Contains("New user", StringComparison.Ordinal)).ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("input[type=email]"));
        await provider.Find("input[type=email]").InputAsync(new ChangeEventArgs { Value = "neu@shop.example" });
        await provider.FindAll("input").Single(i => i.GetAttribute("maxlength") == "100").InputAsync(new ChangeEventArgs { Value = "Nele Neu" });
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Create").ClickAsync(new());
        await creating.WaitAsync(TimeSpan.FromSeconds(20));

        provider.WaitForAssertion(() => Assert.Contains("/Account/SetPassword?userId=", provider.Find("input[data-testid=set-password-link]").GetAttribute("value"), StringComparison.Ordinal));
        Assert.Contains("It was also sent by e-mail.", provider.Markup, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(app.MailDirectory, "*.eml"));
        Assert.NotEmpty(provider.FindAll("[aria-label='Copy the link']"));
        page.WaitForAssertion(() =>
        {
            var row = page.FindAll("tr").Single(r => r.TextContent.Contains("neu@shop.example", StringComparison.Ordinal));
            Assert.Contains("Nele Neu", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("Operator", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("Invited (no password yet)", row.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Each_user_shows_role_status_two_factor_and_last_sign_in_and_the_list_filters()
    {
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains(IdentitySeeder.DefaultAdminEmail, page.Markup, StringComparison.Ordinal));

        var row = page.FindAll("tr").Single(r => r.TextContent.Contains(IdentitySeeder.DefaultAdminEmail, StringComparison.Ordinal));
        Assert.Contains("Administrator", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Active", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Off", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("never", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusing_to_lock_the_last_administrator_shows_why()
    {
        var provider = Render<MudDialogProvider>();
        var popovers = Render<MudPopoverProvider>();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains(IdentitySeeder.DefaultAdminEmail, page.Markup, StringComparison.Ordinal));

        await page.Find($"button[aria-label='Actions for {IdentitySeeder.DefaultAdminEmail}']").ClickAsync(new());
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-menu-item"), i => i.TextContent.Trim() == "Lock"));
        var locking = popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == "Lock").ClickAsync(new());
        provider.WaitForAssertion(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "Yes"));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Yes").ClickAsync(new());
        await locking;

        page.WaitForAssertion(() => Assert.Contains("You cannot lock yourself out", page.Find("[data-testid=users-error]").TextContent, StringComparison.Ordinal));
    }
}
