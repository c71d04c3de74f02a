using System.Globalization;
using Microsoft.Extensions.Localization;

namespace BackOffice.Web.Features;

/// <summary>
/// Every time the pages show is in one zone (<c>Display:TimeZone</c>, an IANA id, default Europe/Berlin, or the one the
/// user chose) and says so, never in the server's own zone: "2026-12-02 15:52 Berlin time". Tables name the zone once,
/// in the column title.
/// </summary>
public sealed class DisplayTime
{
    public const string DefaultZone = "Europe/Berlin";

    /// <summary>The key of the back office's own zone in the services (business days are counted in it).</summary>
    public const string BackOfficeZone = "backoffice";


    private readonly IStringLocalizer? texts;

    /// <param name="texts">Names the zone in the reader's language ("Ortszeit Berlin"); without, in English.</param>
    public DisplayTime(IConfiguration configuration, IStringLocalizer<Texts>? texts = null)
        : this(configuration["Display:TimeZone"] is { Length: > 0 } configured ? configured : DefaultZone, texts)
    {
    }

    private DisplayTime(string id, IStringLocalizer? texts)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            throw new StartupRefusedException($"Display:TimeZone is '{id}', which is not a time zone this machine knows (use an IANA id such as Europe/Berlin).");
        (Id, Zone, this.texts) = (id, zone, texts);
    }

    /// <summary>The zones a user may choose: the machine's IANA zones (Region/City), sorted.</summary>
    public static IReadOnlyList<string> Choices { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal) && !id.StartsWith("Etc/", StringComparison.Ordinal)).Append("UTC").Distinct().Order(StringComparer.Ordinal)];

    public static bool IsChoice(string? id) => id is not null && Choices.Contains(id);

    /// <summary>The user's own zone when they chose one (their <c>zoneinfo</c> claim), else this one.</summary>
    public DisplayTime For(System.Security.Claims.ClaimsPrincipal? user) =>
        user?.FindFirst(BackOffice.Web.Features.Users.StaffClaimsFactory.TimeZoneClaim)?.Value is { } id && id != Id && IsChoice(id) ? new DisplayTime(id, texts) : this;

    /// <summary>The IANA id: "Europe/Berlin".</summary>
    public string Id { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>How the zone is named next to a time: "Berlin time", "UTC".</summary>
    public string Label => Id is "UTC" or "Etc/UTC" ? "UTC"
        : texts?["{0} time", City].Value ?? $"{City} time";

    private string City => Id[(Id.LastIndexOf('/') + 1)..].Replace('_', ' ');

    /// <summary>The time in the zone, without its label (for a column titled with <see cref="Column"/>).</summary>
    public string Bare(DateTimeOffset time, bool seconds = false) =>
        TimeZoneInfo.ConvertTime(time, Zone).ToString((IsGerman ? "dd.MM.yyyy HH:mm" : "yyyy-MM-dd HH:mm") + (seconds ? ":ss" : ""), CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset time, bool seconds = false) => $"{Bare(time, seconds)} {Label}";

    /// <summary>A calendar date as the reader writes it: 26.11.2026 in German, 2026-11-26 (ISO 8601) otherwise.</summary>
    public static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>How the reader writes a date, also when typing one into a date picker.</summary>
    public static string DateFormat => IsGerman ? "dd.MM.yyyy" : "yyyy-MM-dd";

    /// <summary>A short day label for charts: 26.11. in German, 11-26 otherwise.</summary>
    public static string DayAndMonth(DateOnly date) => date.ToString(IsGerman ? "dd.MM." : "MM-dd", CultureInfo.InvariantCulture);

    private static bool IsGerman => CultureInfo.CurrentCulture.TwoLetterISOLanguageName == "de";

    public string Format(DateTimeOffset? time, string none, bool seconds = false) => time is { } value ? Format(value, seconds) : none;

    /// <summary>A column title that names the zone: "Created (Berlin time)".</summary>
    public string Column(string title) => $"{title} ({Label})";
}

public static class DisplayTimeSetup
{
    /// <summary>
    /// The back office's zone as a keyed singleton, and per scope the zone of the signed-in user (a Blazor circuit's or
    /// page's user; outside them, the back office's).
    /// </summary>
    public static IServiceCollection AddDisplayTime(this IServiceCollection services) => services
        .AddKeyedSingleton(DisplayTime.BackOfficeZone, (provider, _) => new DisplayTime(provider.GetRequiredService<IConfiguration>(), provider.GetService<IStringLocalizer<Texts>>()))
        .AddScoped(provider => provider.GetRequiredKeyedService<DisplayTime>(DisplayTime.BackOfficeZone).For(SignedInUser(provider)));

    private static System.Security.Claims.ClaimsPrincipal? SignedInUser(IServiceProvider provider)
    {
        try
        {
            return provider.GetService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>()?.GetAuthenticationStateAsync()
                is { IsCompletedSuccessfully: true } state ? state.Result.User : null;
        }
        catch (InvalidOperationException)
        {
            // Not in a component's scope: no authentication state was set.
            return null;
        }
    }
}
