using System.Globalization;

namespace BackOffice.Web.Features;

/// <summary>
/// Every time the pages show is in one zone (<c>Display:TimeZone</c>, an IANA id, default Europe/Berlin) and says so,
/// never in the server's own zone: "2026-12-02 15:52 Berlin time". Tables name the zone once, in the column title.
/// </summary>
public sealed class DisplayTime
{
    public const string DefaultZone = "Europe/Berlin";

    public DisplayTime(IConfiguration configuration)
    {
        var id = configuration["Display:TimeZone"] is { Length: > 0 } configured ? configured : DefaultZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            throw new InvalidOperationException($"Display:TimeZone is '{id}', which is not a time zone this machine knows (use an IANA id such as Europe/Berlin).");
        Zone = zone;
        Label = id == "UTC" || id == "Etc/UTC" ? "UTC" : $"{id[(id.LastIndexOf('/') + 1)..].Replace('_', ' ')} time";
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>How the zone is named next to a time: "Berlin time", "UTC".</summary>
    public string Label { get; }

    /// <summary>The time in the zone, without its label (for a column titled with <see cref="Column"/>).</summary>
    public string Bare(DateTimeOffset time, bool seconds = false) =>
        TimeZoneInfo.ConvertTime(time, Zone).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset time, bool seconds = false) => $"{Bare(time, seconds)} {Label}";

    public string Format(DateTimeOffset? time, string none, bool seconds = false) => time is { } value ? Format(value, seconds) : none;

    /// <summary>A column title that names the zone: "Created (Berlin time)".</summary>
    public string Column(string title) => $"{title} ({Label})";
}
