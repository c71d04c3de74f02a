using System.Globalization;

namespace BackOffice.Web.Features.AuditLog;

/// <summary>A filter as the query of the export's address.</summary>
public static class AuditLogAddress
{
    public static IEnumerable<KeyValuePair<string, string?>> Query(AuditLogFilter filter) => new Dictionary<string, string?>
    {
        ["text"] = filter.Text is { Length: > 0 } text ? text : null,
        ["area"] = filter.Area,
        ["user"] = filter.User is { Length: > 0 } user ? user : null,
        ["from"] = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null);
}
