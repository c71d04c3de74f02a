using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BackOffice.Web.Features.Transactions;

/// <summary>A search as the query of an address (the list's and the CSV export's), and back; what cannot be read is left out.</summary>
public static class TransactionSearchAddress
{
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
    }.Where(p => p.Value is not null);

    public static TransactionSearch Parse(string address)
    {
        var query = QueryHelpers.ParseQuery(new Uri(address).Query);
        string? Text(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } text ? text : null;
        T? Enum<T>(string name) where T : struct, System.Enum => System.Enum.TryParse<T>(Text(name), ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value : null;
        long? Minor(string name) => long.TryParse(Text(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
        DateOnly? Date(string name) => DateOnly.TryParseExact(Text(name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        return new TransactionSearch(Text("text"), Text("channel"), Enum<BackOffice.Web.Features.Klarna.ServiceKind>("service"), Enum<TransactionState>("state"),
            Text("currency"), Date("from"), Date("to"), Text("expiresSoon") == "true", Text("attention") == "true", Text("country"), Minor("min"), Minor("max"));
    }
}
