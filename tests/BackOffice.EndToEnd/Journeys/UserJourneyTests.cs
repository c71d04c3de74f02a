using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

[Collection(BrowserCollection.Name)]
public sealed class UserJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_administrator_creates_an_operator_who_sets_a_password_from_the_link_signs_in_and_captures()
    {
        var id = await app.ReserveAsync("E2E-NEW-OPERATOR-1");
        var admin = await app.NewPageAsync();
        await new LoginPage(admin).SignInAsAdministratorAsync();
        var users = new UsersPage(admin);
        await users.GotoAsync();

        var link = await users.CreateOperatorAsync("otto@shop.example", "Otto Operator");
        await Expect(users.Row("otto@shop.example")).ToContainTextAsync("Invited");

        // The new operator, in a browser of their own.
        var otto = await app.NewPageAsync();
        var response = await otto.GotoAsync(link);
        Assert.Equal("nosniff", response!.Headers["x-content-type-options"]);
        Assert.Contains("script-src 'self'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        await new SetPasswordPage(otto).SetAsync("otto's long passphrase");
        await new LoginPage(otto).SubmitAsync("otto@shop.example", "otto's long passphrase");
        await new ShellPage(otto).WaitUntilInteractiveAsync();
        await otto.GotoAsync($"transactions/{id}");
        await new ShellPage(otto).WaitUntilInteractiveAsync();
        await new TransactionPage(otto).CaptureEverythingAsync();

        await Expect(otto.GetByTestId("outcome")).ToContainTextAsync("Captured EUR 25.50");
        await users.GotoAsync();
        await Expect(users.Row("otto@shop.example")).ToContainTextAsync("Active");
        Assert.Empty(app.PolicyViolations);
    }

    [Fact]
    public async Task An_operator_demoted_by_an_administrator_loses_the_money_buttons_of_the_page_still_open_within_seconds()
    {
        var id = await app.ReserveAsync("E2E-DEMOTED-1");
        await app.CreateUserAsync("dora@shop.example", "dora's long passphrase", "Operator");
        var dora = await app.NewPageAsync();
        await new LoginPage(dora).GotoAsync();
        await new LoginPage(dora).SubmitAsync("dora@shop.example", "dora's long passphrase");
        await new ShellPage(dora).WaitUntilInteractiveAsync();
        await dora.GotoAsync($"transactions/{id}");
        await new ShellPage(dora).WaitUntilInteractiveAsync();
        var capture = new TransactionPage(dora).Action("Capture");
        await Expect(capture).ToBeVisibleAsync();

        // The administrator, in a browser of their own.
        var admin = await app.NewPageAsync();
        await new LoginPage(admin).SignInAsAdministratorAsync();
        var users = new UsersPage(admin);
        await users.GotoAsync();
        await users.ChangeRoleAsync("dora@shop.example", "Viewer");

        // Dora's page checks her account every few seconds (Session:RevalidationInterval): it closes, and with it the button.
        await Expect(capture).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Expect(dora).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"), new() { Timeout = 15_000 });
    }
}
