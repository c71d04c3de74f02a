using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// The detail page. It follows the transaction by itself: at once when an action in this app instance starts or
/// ends, and within a second when another instance changes it (it compares the version every second).
/// </summary>
public sealed partial class TransactionPage
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stopping = new();
    private TransactionDetails? details;
    private OperationOutcome? outcome;
    private IDialogReference? openDialog;
    private bool loaded;

    [Inject] private TransactionQuery Query { get; set; } = null!;
    [Inject] private TransactionService Transactions { get; set; } = null!;
    [Inject] private TransactionChanges Changes { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private TimeProvider Time { get; set; } = null!;

    [Parameter]
    public Guid Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    protected override void OnInitialized()
    {
        Changes.Changed += OnChanged;
        _ = FollowAsync(stopping.Token);
    }

    protected override async Task OnParametersSetAsync() => await ReloadAsync();

    public async ValueTask DisposeAsync()
    {
        Changes.Changed -= OnChanged;
        await stopping.CancelAsync();
        stopping.Dispose();
    }

    private async Task ReloadAsync()
    {
        var claimedBefore = details?.Transaction.ActiveOperationId;
        details = await Query.DetailsAsync(Id);
        loaded = true;
        // Someone started an action while this user had a dialog open: the dialog's figures are no longer true.
        if (openDialog is not null && details?.ActiveOperation is { } active && active.Id != claimedBefore)
        {
            openDialog.Close();
            openDialog = null;
            outcome = new OperationOutcome(active.Id, OperationState.Failed, new Message("{0} started “{1}” meanwhile; wait for it to finish.", active.User, active.Kind));
        }
    }

    private void OnChanged(Guid transactionId)
    {
        if (transactionId == Id)
            _ = InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            });
    }

    /// <summary>Reloads when the version changed (another instance), and re-renders while an action is under way (its time runs out).</summary>
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Refresh, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var version = await Query.VersionAsync(Id, cancellationToken);
                if (details is null || version == details.Transaction.Version && details.ActiveOperation is null)
                    continue;
                await InvokeAsync(async () =>
                {
                    if (version != details?.Transaction.Version)
                        await ReloadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task CaptureAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await AskAsync<CaptureDialog, CaptureRequest>(L["Capture"], new DialogParameters<CaptureDialog> { { d => d.Transaction, details!.Transaction } }) is { } request)
            await RunAsync(user => Transactions.CaptureAsync(user, Id, request));
    }

    private async Task EditLinesAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await AskAsync<EditLinesDialog, LinesChange>(L["Edit lines"], new DialogParameters<EditLinesDialog> { { d => d.Transaction, details!.Transaction } }) is { } change)
            await RunAsync(user => Transactions.EditLinesAsync(user, Id, change.Quantities, change.Reason));
    }

    private async Task RefundAsync()
    {
        if (!await CanStartAsync())
            return;
        var parameters = new DialogParameters<RefundDialog> { { d => d.Transaction, details!.Transaction }, { d => d.Invoices, [.. details.Invoices.Select(i => i.Invoice)] } };
        if (await AskAsync<RefundDialog, RefundRequest>(L["Refund"], parameters) is { } request)
            await RunAsync(user => Transactions.RefundAsync(user, Id, request));
    }

    private async Task CancelAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await AskAsync<CancelDialog, string>(L.Of(BulkAction.Cancel), new DialogParameters<CancelDialog> { { d => d.Transaction, details!.Transaction } }) is { } reason)
            await RunAsync(user => Transactions.CancelAsync(user, Id, reason));
    }

    /// <summary>The transaction's provider, as its module describes it.</summary>
    private Payments.ProviderDescriptor Provider => Payments.PaymentProviders.Of(details!.Transaction.Provider);

    /// <summary>What the provider calls the order's hold: a reservation, a payment.</summary>
    private string ReferencesTitle => L[Provider.HoldName];

    private async Task ResendAsync()
    {
        if (!await CanStartAsync())
            return;
        var invoice = details!.Invoices[^1].Invoice.InvoiceNumber;
        var delivery = await Transactions.InvoiceDeliveryAsync(details.Transaction);
        var question = delivery switch
        {
            InvoiceDelivery.Mail => L["Send invoice {0} again by mail?", invoice],
            InvoiceDelivery.AsTheCustomerChose => L["Have Klarna send invoice {0} to the customer again?", invoice],
            _ => L["Send invoice {0} again by e-mail?", invoice],
        };
        if (await Dialogs.ShowMessageBoxAsync(L["Resend invoice"], question, yesText: L["Send"], cancelText: L["Cancel"]) == true)
            await RunAsync(user => Transactions.ResendInvoiceAsync(user, Id, invoice, delivery));
    }

    private async Task ExtendAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await Dialogs.ShowMessageBoxAsync(L["Extend expiry"], L["Ask Klarna to extend the reservation of order {0}?", details!.Transaction.OrderNumber], yesText: L["Extend"], cancelText: L["Cancel"]) == true)
            await RunAsync(user => Transactions.ExtendExpiryAsync(user, Id));
    }

    private async Task ChangeAddressAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await AskAsync<AddressDialog, NewAddresses>(L["Edit address"], new DialogParameters<AddressDialog> { { d => d.Transaction, details!.Transaction } }) is { } change)
            await RunAsync(user => Transactions.ChangeAddressAsync(user, Id, change.Billing, change.Shipping));
    }

    private async Task ChangeOrderNumberAsync()
    {
        if (!await CanStartAsync())
            return;
        if (await AskAsync<OrderNumberDialog, (string OrderNumber, string Reason)?>(L["Change order number"], new DialogParameters<OrderNumberDialog> { { d => d.Transaction, details!.Transaction } }) is { } change)
            await RunAsync(user => Transactions.ChangeOrderNumberAsync(user, Id, change.OrderNumber, change.Reason));
    }

    private async Task ExtendDueDateAsync(string invoiceNumber)
    {
        if (!await CanStartAsync())
            return;
        var user = (await AuthenticationState).User;
        var parameters = new DialogParameters<DueDateDialog>
        {
            { d => d.InvoiceNumber, invoiceNumber },
            { d => d.Currency, details!.Transaction.Currency },
            { d => d.Quote, days => Transactions.QuoteDueDateAsync(user, Id, invoiceNumber, days) },
        };
        if (await AskAsync<DueDateDialog, (int Days, string Reason)?>(L["Extend due date"], parameters) is { } extension)
            await RunAsync(u => Transactions.ExtendDueDateAsync(u, Id, invoiceNumber, extension.Days, extension.Reason));
    }

    private async Task ReconcileAsync(Operation operation)
    {
        // Each provider settles unknown outcomes its own way, so its module brings the dialog that asks for what it needs.
        openDialog = await Dialogs.ShowAsync(Provider.ReconcileDialog, L["Reconcile"], new DialogParameters { ["Operation"] = operation }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await openDialog.Result;
        openDialog = null;
        if (result is { Canceled: false, Data: ReconcileAnswer answer })
            await RunAsync(user => Transactions.ReconcileAsync(user, Id, answer.InvoiceNumber, answer.Happened, answer.SplitReference));
    }

    /// <summary>Looks again before a dialog opens: another user may have started an action a moment ago.</summary>
    private async Task<bool> CanStartAsync()
    {
        await ReloadAsync();
        if (details?.ActiveOperation is not { } active)
            return details is not null;
        outcome = new OperationOutcome(active.Id, OperationState.Failed, new Message("{0} started “{1}” meanwhile; wait for it to finish.", active.User, active.Kind));
        return false;
    }

    private async Task<TResult?> AskAsync<TDialog, TResult>(string title, DialogParameters<TDialog> parameters) where TDialog : IComponent
    {
        openDialog = await Dialogs.ShowAsync<TDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await openDialog.Result;
        openDialog = null;
        return result is { Canceled: false, Data: TResult data } ? data : default;
    }

    private async Task RunAsync(Func<ClaimsPrincipal, Task<OperationOutcome>> action)
    {
        try
        {
            outcome = await action((await AuthenticationState).User);
            Snackbar.Add(L.Text(outcome.Message), outcome.Succeeded ? Severity.Success : Severity.Error);
        }
        catch (BusinessRuleException e)
        {
            outcome = new OperationOutcome(Guid.Empty, OperationState.Failed, e.Text);
        }
        finally
        {
            await ReloadAsync();
        }
    }
}
