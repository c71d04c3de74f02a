using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BackOffice.Web.Features.Users;

/// <summary>User administration: list, create, change role, lock, deactivate, new set-password links.</summary>
public sealed partial class UsersPage
{
    private IReadOnlyList<UserRow>? rows;
    private UserSearch search = new();
    private Message? error;

    [Inject] private UserAdministrationScopes Administration { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private DisplayTime DisplayTime { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private string StatusText(UserRow row) => row.Status switch
    {
        UserStatus.Locked when row.LockedUntil >= DateTimeOffset.MaxValue.AddYears(-1) => L.Of(UserStatus.Locked),
        UserStatus.Locked => L["Locked until {0}", DisplayTime.Format(row.LockedUntil!.Value)],
        UserStatus.Invited => L["Invited (no password yet)"],
        var status => L.Of(status),
    };

    private async Task FilterAsync(UserSearch next)
    {
        search = next;
        await LoadAsync();
    }

    private async Task LoadAsync() => rows = await WithAdministrationAsync((administration, user) => administration.ListAsync(user, search));

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>(L["New user"], new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: NewUser request })
            return;
        await ShowLinkAsync(() => WithAdministrationAsync((administration, user) =>
            administration.CreateAsync(user, request.Email, request.DisplayName, request.Role)));
    }

    private async Task NewLinkAsync(UserRow row)
    {
        if (row.Status != UserStatus.Invited && await Dialogs.ShowMessageBoxAsync(L["Reset password"],
                L["Make a new set-password link for {0}? Their password and open sessions stop working.", row.Email], yesText: L["Make link"], cancelText: L["Cancel"]) != true)
            return;
        await ShowLinkAsync(() => WithAdministrationAsync((administration, user) => administration.NewLinkAsync(user, row.Id)));
    }

    private async Task ShowLinkAsync(Func<Task<SetPasswordLink>> make)
    {
        SetPasswordLink link;
        try
        {
            link = await make();
        }
        catch (BusinessRuleException e)
        {
            error = e.Text;
            return;
        }
        await LoadAsync();
        var parameters = new DialogParameters<SetPasswordLinkDialog> { { d => d.Link, link } };
        await Dialogs.ShowAsync<SetPasswordLinkDialog>(L["Set-password link"], parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
    }

    private Task ChangeRoleAsync(UserRow row, string role) =>
        RunAsync(row, L["Give {0} the role {1}? Their open pages stop working within seconds; they sign in again.", row.Email, L[role]],
            (administration, user) => administration.ChangeRoleAsync(user, row.Id, role));

    private Task LockAsync(UserRow row) =>
        RunAsync(row, L["Lock {0}? Their open pages stop working within seconds.", row.Email], (administration, user) => administration.LockAsync(user, row.Id));

    private Task UnlockAsync(UserRow row) => RunAsync(row, null, (administration, user) => administration.UnlockAsync(user, row.Id));

    private Task DeactivateAsync(UserRow row) =>
        RunAsync(row, L["Deactivate {0}? They can no longer sign in, and their open pages stop working within seconds.", row.Email],
            (administration, user) => administration.DeactivateAsync(user, row.Id));

    private Task ReactivateAsync(UserRow row) => RunAsync(row, null, (administration, user) => administration.ReactivateAsync(user, row.Id));

    private async Task RunAsync(UserRow row, string? confirmation, Func<UserAdministration, ClaimsPrincipal, Task> change)
    {
        if (confirmation is not null && await Dialogs.ShowMessageBoxAsync(row.Email, confirmation, yesText: L["Yes"], cancelText: L["Cancel"]) != true)
            return;
        try
        {
            await WithAdministrationAsync(async (administration, user) =>
            {
                await change(administration, user);
                return true;
            });
            error = null;
            Snackbar.Add(L["{0} changed.", row.Email], Severity.Success);
        }
        catch (BusinessRuleException e)
        {
            error = e.Text;
        }
        await LoadAsync();
    }

    private async Task<T> WithAdministrationAsync<T>(Func<UserAdministration, ClaimsPrincipal, Task<T>> work)
    {
        var user = (await AuthenticationState).User;
        return await Administration.RunAsync(administration => work(administration, user));
    }
}
