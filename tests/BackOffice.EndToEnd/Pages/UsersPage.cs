using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

public sealed class UsersPage(IPage page)
{
    private ILocator Dialog => page.GetByRole(AriaRole.Dialog);

    public async Task GotoAsync()
    {
        await page.GotoAsync("users");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public ILocator Row(string email) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = email });

    /// <summary>Gives the user another role through the row's menu, confirming the question.</summary>
    public async Task ChangeRoleAsync(string email, string role)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Actions for {email}" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = $"Make {role}" }).ClickAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Yes" }).ClickAsync();
        await Expect(Row(email)).ToContainTextAsync(role);
    }

    /// <summary>Creates a user (Operator, the dialog's default) and answers the set-password link shown once.</summary>
    public async Task<string> CreateOperatorAsync(string email, string displayName)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await Dialog.GetByLabel("E-mail").FillAsync(email);
        await Dialog.GetByLabel("Display name").FillAsync(displayName);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var link = Dialog.GetByLabel("Set-password link");
        await Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/Account/SetPassword\\?userId="));
        var value = await link.InputValueAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        return value;
    }
}

public sealed class SetPasswordPage(IPage page)
{
    public async Task SetAsync(string password)
    {
        await page.GetByLabel("New password").FillAsync(password);
        await page.GetByLabel("Confirm the password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your password is set" })).ToBeVisibleAsync();
    }
}
