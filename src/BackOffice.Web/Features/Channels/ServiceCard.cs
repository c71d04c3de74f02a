using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace BackOffice.Web.Features.Channels;

/// <summary>
/// A provider's service card on a channel's page: settings with write-only secrets, Save (confirmed when the service
/// takes real payments) and Initialize; a refusal is shown on the card, and unsaved changes are not lost by leaving.
/// </summary>
public abstract class ServiceCard : ChannelCard
{
    [Inject]
    private IStringLocalizer<Texts> Localizer { get; set; } = null!;

    [Inject]
    protected IDialogService Dialogs { get; set; } = null!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    protected Message? Error { get; private set; }

    protected bool Busy { get; private set; }

    /// <summary>The service's name, in the reader's language.</summary>
    protected abstract string Name { get; }

    /// <summary>Whether the form holds changes not saved yet (a secret typed counts).</summary>
    protected abstract bool Dirty { get; }

    /// <summary>Reads the saved service and resets the form to it.</summary>
    protected abstract Task ReloadAsync();

    protected override Task OnParametersSetAsync() => ReloadAsync();

    protected async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (Dirty && await Dialogs.ShowMessageBoxAsync(Localizer["Unsaved changes"], Localizer["The {0} settings have changes that are not saved. Leave and lose them?", Name],
                yesText: Localizer["Leave"], cancelText: Localizer["Stay"]) != true)
            context.PreventNavigation();
    }

    /// <summary>Asks before a change to a service that takes real payments (<paramref name="live"/>, now or after saving).</summary>
    protected async Task<bool> ConfirmSaveAsync(bool live) =>
        !live || await Dialogs.ShowMessageBoxAsync(Localizer["Change the live {0}?", Name], Localizer["This service takes real payments. Save the change?"],
            yesText: Localizer["Save"], cancelText: Localizer["Cancel"]) == true;

    /// <summary>Saves and tells the page when something changed.</summary>
    protected Task SaveWithAsync(Func<ClaimsPrincipal, Task<IReadOnlyList<Message>>> save) => RunAsync(async user =>
    {
        var changes = await save(user);
        Snackbar.Add(changes.Count == 0 ? Localizer["Nothing changed."] : Localizer["{0} saved.", Name], Severity.Success);
        if (changes.Count > 0)
            await Changed.InvokeAsync();
    });

    /// <summary>Runs an action of the signed-in user with the card busy; a refusal becomes the card's error, and the card reloads.</summary>
    protected async Task RunAsync(Func<ClaimsPrincipal, Task> action)
    {
        Busy = true;
        Error = null;
        try
        {
            await action((await AuthenticationState).User);
            await ReloadAsync();
        }
        catch (BusinessRuleException e)
        {
            Error = e.Text;
        }
        finally
        {
            Busy = false;
        }
    }

    protected static string? Trimmed(string? value) => value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>A secret field left empty keeps the stored secret.</summary>
    protected static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
