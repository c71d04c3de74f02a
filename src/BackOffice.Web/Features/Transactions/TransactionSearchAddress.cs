using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BackOffice.Web.Features.Transactions;

/// <summary>Where the list stands in a search: its order, page (1 is the first) and page size.</summary>
public sealed record ListPosition(TransactionSort Sort = TransactionSort.Created, bool Descending = true, int Page = 1, int Size = 25)
{
    public static readonly int[] Sizes = [25, 50, 100];
}

/// <summary>A search as the query of an address (the list's and the CSV export's), and back; what cannot be read is left out.</summary>
public static class TransactionSearchAddress
{
    /// <summary>The list's address query: the search, and its position where it is not the first page newest first.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Query(TransactionSearch search, ListPosition position) => Query(search).Concat(new Dictionary<string, string?>
    {
        ["sort"] = position.Sort == TransactionSort.Created ? null : position.Sort.ToString(),
        ["asc"] = position.Descending ? null : "true",
        ["page"] = position.Page > 1 ? position.Page.ToString(CultureInfo.InvariantCulture) : null,
        ["size"] = position.Size == ListPosition.Sizes[0] ? null : position.Size.ToString(CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null));

    public static ListPosition ParsePosition(string address)
    {
        var query = QueryHelpers.ParseQuery(new Uri(address).Query);
        string? Text(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;
        var sort = System.Enum.TryParse<TransactionSort>(Text("sort"), ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) ? parsed : TransactionSort.Created;
        var page = int.TryParse(Text("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 100_000 ? number : 1;
        var size = int.TryParse(Text("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && ListPosition.Sizes.Contains(rows) ? rows : ListPosition.Sizes[0];
        return new ListPosition(sort, Text("asc") != "true", page, size);
    }

    public static IEnumerable<KeyValuePair<string, string?>> Query(TransactionSearch search) => new Dictionary<string, string?>
    {
        ["text"] = search.Text is { Length: > 0 } text ? text : null,
        ["channel"] = search.ChannelCode,
        ["service"] = search.Service?.ToString(),
        ["state"] = search.State?.ToString(),
        ["currency"] = search.Currency,
        ["from"] = search.CreatedFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = search.CreatedTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["expiresSoon"] = search.ExpiresSoon ? "true" : null,
        ["attention"] = search.NeedsAttention ? "true" : null,
        ["country"] = search.Country,
        ["min"] = search.MinAmount?.ToString(CultureInfo.InvariantCulture),
        ["max"] = search.MaxAmount?.ToString(CultureInfo.InvariantCulture),
        ["mark"] = search.Mark,
    }.Where(p => p.Value is not null);

    public static TransactionSearch Parse(string address)
    {
        var query = QueryHelpers.ParseQuery(new Uri(address).Query);
        string? Text(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;
        T? Enum<T>(string name) where T : struct, System.Enum => System.Enum.TryParse<T>(Text(name), ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value : null;
        long? Minor(string name) => long.TryParse(Text(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
        DateOnly? Date(string name) => DateOnly.TryParseExact(Text(name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        return new TransactionSearch(Text("text") is { Length: > TransactionSearch.MaxTextLength } tooLong ? tooLong[..TransactionSearch.MaxTextLength] : Text("text"), Text("channel"), Payments.ServiceKind.TryParse(Text("service"), null, out var service) ? service : null, Enum<TransactionState>("state"),
            Text("currency"), Date("from"), Date("to"), Text("expiresSoon") == "true", Text("attention") == "true", Text("country"), Minor("min"), Minor("max"), Text("mark"));
    }
}
