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
}
