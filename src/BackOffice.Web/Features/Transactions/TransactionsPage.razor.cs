using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.JSInterop;
using MudBlazor;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// The list pages by key: First, Previous, Next and Last from the rows shown, never by offset. The count is taken once
/// per search (it stops at <see cref="TransactionQuery.CountBound"/>), not on every page turn. The filters live in the
/// address (<c>?state=Captured&amp;currency=EUR</c>, written into the list's history entry): a link shares them, and
/// Back from a transaction brings them back.
/// </summary>
public partial class TransactionsPage : IDisposable
{
    private MudDataGrid<TransactionRow> grid = null!;
    private TransactionSearch search = new();
    private Message? searchError;
    private IReadOnlyList<string> channels = [];
    private TransactionListPage page = new([], HasPrevious: false, HasNext: false);
    private TransactionCount? count;
    private (TransactionSort Sort, bool Descending) order = (TransactionSort.Created, true);
    private PageDirection turn = PageDirection.First;
    private int pageSize = ListPosition.Sizes[0];

    /// <summary>Rows to skip on the first load, to come back to the page the address names.</summary>
    private int restoreSkip;
    private bool canAct;
    private System.Security.Claims.ClaimsPrincipal user = new();
    private HashSet<TransactionRow> selected = new(RowsById.Instance);
    private bool canSaveViews;
    private IReadOnlyList<SavedView> views = [];

    /// <summary>Every transaction matching the filter, when the user selected them all (up to the bulk limit).</summary>
    private IReadOnlyList<Guid>? allMatching;

    /// <summary>How many rows come before the page, while that is known (it is not after "Last" past the count's bound).</summary>
    private int? offset = 0;

    private bool TextTooShort => search.Text?.Trim() is { Length: > 0 } text && !TransactionQuery.SearchesNames(text);

    private string Position => (page.Rows.Count, offset, count) switch
    {
        (0, _, _) => "",
        (var rows, { } before, { } total) => L["{0:N0}–{1:N0} of {2}", before + 1, before + rows, Total(total)],
        (var rows, null, { } total) => L["last {0:N0} of {1}", rows, Total(total)],
        _ => "",
    };

    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IAuthorizationService Authorization { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private BulkActions Bulk { get; set; } = null!;
    [Inject] private SavedViews SavedViews { get; set; } = null!;
    [Inject] private IEnumerable<ITransactionMark> Marks { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    private string SelectionText => allMatching is { } all ? L["All {0} matching selected", all.Count] : selected.Count > 0 ? L["{0} selected", selected.Count] : L["Select rows for a bulk action"];

    private string Total(TransactionCount total) => total.MoreThan ? L["more than {0:N0}", total.Value] : total.Value.ToString("N0", System.Globalization.CultureInfo.CurrentCulture);
    [Inject] private IJSRuntime JS { get; set; } = null!;

    private string ExportUrl => QueryHelpers.AddQueryString("transactions/export.csv", TransactionSearchAddress.Query(search));

    protected override async Task OnInitializedAsync()
    {
        search = TransactionSearchAddress.Parse(Navigation.Uri);
        Restore(TransactionSearchAddress.ParsePosition(Navigation.Uri));
        Navigation.LocationChanged += OnLocationChanged;
        channels = await Channels.CodesAsync();
        user = (await AuthenticationState).User;
        canAct = (await Authorization.AuthorizeAsync(user, Policies.Operator)).Succeeded;
        canSaveViews = user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier) is not null;
        if (canSaveViews)
            views = await SavedViews.ListAsync(user);
    }

    private async Task SaveViewAsync()
    {
        var dialog = await Dialogs.ShowAsync<SaveViewDialog>(L["Save this view"], new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: string name })
            return;
        try
        {
            await SavedViews.SaveAsync(user, name, search, CurrentPosition);
            Snackbar.Add(L["Saved the view “{0}”.", name], Severity.Success);
        }
        catch (BusinessRuleException e)
        {
            Snackbar.Add(L.Text(e), Severity.Warning);
        }
        views = await SavedViews.ListAsync(user);
    }

    private async Task DeleteViewAsync(SavedView view)
    {
        await SavedViews.DeleteAsync(user, view.Id);
        Snackbar.Add(L["Deleted the view “{0}”.", view.Name], Severity.Info);
        views = await SavedViews.ListAsync(user);
    }

    private void SelectionChanged(HashSet<TransactionRow> rows)
    {
        selected = new HashSet<TransactionRow>(rows, RowsById.Instance);
        allMatching = null;
    }

    private async Task SelectAllMatchingAsync()
    {
        var ids = await Bulk.MatchingAsync(search);
        if (ids.Count > BulkActions.Limit)
        {
            Snackbar.Add(L["More than {0} transactions match now; narrow the filter.", BulkActions.Limit], Severity.Warning);
            return;
        }
        allMatching = ids;
    }

    private void ClearSelection() => (selected, allMatching) = (new HashSet<TransactionRow>(RowsById.Instance), null);

    private async Task BulkAsync(BulkAction action)
    {
        if (await BulkActionDialog.OpenAsync(Dialogs, Snackbar, L, Bulk, user, action, allMatching ?? [.. selected.Select(r => r.Id)]))
        {
            ClearSelection();
            count = null;
            await grid.ReloadServerData();
        }
    }

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;

    /// <summary>Back and Forward (and links to this page) bring their filters with them.</summary>
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var wanted = TransactionSearchAddress.Parse(e.Location);
        var position = TransactionSearchAddress.ParsePosition(e.Location);
        if (wanted == search && position == CurrentPosition || !IsListAddress(e.Location))
            return;
        _ = InvokeAsync(async () =>
        {
            (search, count) = (wanted, null);
            Restore(position);
            await grid.SetSortAsync(SortColumn(order.Sort), order.Descending ? SortDirection.Descending : SortDirection.Ascending, SortKey(order.Sort));
            await grid.ReloadServerData();
            StateHasChanged();
        });
    }

    /// <summary>Where the list stands now, as its address keeps it.</summary>
    private ListPosition CurrentPosition => new(order.Sort, order.Descending, offset is { } before ? before / pageSize + 1 : 1, pageSize);

    private void Restore(ListPosition position)
    {
        (order, pageSize, turn) = ((Comparable(position.Sort), position.Descending), position.Size, PageDirection.First);
        restoreSkip = (position.Page - 1) * position.Size;
    }

    /// <summary>Amounts of different currencies do not compare: by amount only within the currency filtered for.</summary>
    private TransactionSort Comparable(TransactionSort sort) => sort == TransactionSort.Amount && search.Currency is null ? TransactionSort.Created : sort;

    private SortDirection InitialDirection(TransactionSort sort) =>
        order.Sort != sort ? SortDirection.None : order.Descending ? SortDirection.Descending : SortDirection.Ascending;

    private static Func<TransactionRow, object> SortKey(TransactionSort sort) => sort switch
    {
        TransactionSort.OrderNumber => r => r.OrderNumber,
        TransactionSort.Amount => r => r.AuthorizedAmount,
        TransactionSort.Expires => r => r.ExpiresAt,
        _ => r => r.CreatedAt,
    };

    /// <summary>A sortable column's title, by which the grid's sort is known.</summary>
    private string SortColumn(TransactionSort sort) => sort switch
    {
        TransactionSort.OrderNumber => L["Order"],
        TransactionSort.Amount => L["Amount"],
        TransactionSort.Expires => DisplayTime.Column(L["Expires"]),
        _ => DisplayTime.Column(L["Created"]),
    };

    private async Task<GridData<TransactionRow>> LoadAsync(GridState<TransactionRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        // A sort names its column by the column's property name, which for a template column is an id of its own.
        var column = sort is null ? null : grid.RenderedColumns.FirstOrDefault(c => c.PropertyName == sort.SortBy)?.Title ?? sort.SortBy;
        var byColumn = Enum.GetValues<TransactionSort>().Where(s => SortColumn(s) == column).DefaultIfEmpty(TransactionSort.Created).First();
        (TransactionSort, bool) wanted = (Comparable(byColumn), sort?.Descending ?? true);
        // The grid may ask before it has taken the order from the address: the address's order stands until it reports one.
        if (sort is null && restoreSkip > 0)
            wanted = order;
        if (wanted != order)
            (order, turn, restoreSkip) = (wanted, PageDirection.First, 0);
        var from = turn == PageDirection.Next ? page.Rows.LastOrDefault() : page.Rows.FirstOrDefault();
        var shownBefore = page.Rows.Count;
        var skip = turn == PageDirection.First ? restoreSkip : 0;
        if (sort is not null)
            restoreSkip = 0;
        var request = new TransactionPageRequest(order.Sort, order.Descending, turn, from, pageSize, skip);
        if (count is null)
            (page, count) = await Query.SearchAsync(search, request, cancellationToken);
        else
            page = await Query.PageAsync(search, request, cancellationToken);
        if (skip > 0 && page.Rows.Count == 0)
        {
            // The address named a page past the end (rows went away): the first page instead.
            skip = 0;
            page = await Query.PageAsync(search, request with { Skip = 0 }, cancellationToken);
        }
        offset = turn switch
        {
            PageDirection.First => skip,
            PageDirection.Next => offset + shownBefore,
            PageDirection.Previous when !page.HasPrevious => 0,
            PageDirection.Previous => offset - page.Rows.Count,
            _ => count is { MoreThan: false } total ? total.Value - page.Rows.Count : null,
        };
        turn = PageDirection.First;
        await WriteAddressAsync();
        return new GridData<TransactionRow> { Items = page.Rows, TotalItems = page.Rows.Count };
    }

    private async Task TurnAsync(PageDirection direction)
    {
        turn = direction;
        await grid.ReloadServerData();
    }

    private async Task ChangePageSizeAsync(int size)
    {
        pageSize = size;
        await grid.ReloadServerData();
    }

    /// <summary>A text too long to be anything is refused with a message and not searched for (nor written into the address).</summary>
    private async Task SearchAsync(string? text)
    {
        var changed = search with { Text = text };
        searchError = changed.TextError;
        if (searchError is null)
            await ApplyAsync(changed);
    }

    private async Task ApplyAsync(TransactionSearch changed)
    {
        // The search field commits its text again when it loses the focus (say, to a click on an order).
        if (changed == search)
            return;
        (search, count) = (changed, null);
        ClearSelection();
        await grid.ReloadServerData();
    }

    /// <summary>Keeps the search and position in the address, so that a link shares them and Back restores them.</summary>
    private async Task WriteAddressAsync()
    {
        var basePath = new Uri(Navigation.BaseUri).AbsolutePath;
        await JS.InvokeVoidAsync("backOfficeAddress.replaceQuery", new[] { basePath + "transactions" }, QueryHelpers.AddQueryString("", TransactionSearchAddress.Query(search, CurrentPosition)));
    }

    private bool IsListAddress(string address) => Navigation.ToBaseRelativePath(address).Split('?')[0].TrimEnd('/') == "transactions";

    private static DateTime? ToDate(DateOnly? date) => date?.ToDateTime(TimeOnly.MinValue);

    private static DateOnly? ToDateOnly(DateTime? date) => date is { } value ? DateOnly.FromDateTime(value) : null;
}

/// <summary>A row stays selected across pages and reloads: rows are the same transaction when their ids are.</summary>
internal sealed class RowsById : IEqualityComparer<TransactionRow>
{
    public static readonly RowsById Instance = new();

    public bool Equals(TransactionRow? x, TransactionRow? y) => x?.Id == y?.Id;

    public int GetHashCode(TransactionRow row) => row.Id.GetHashCode();
}
