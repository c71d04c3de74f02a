using System.Globalization;

namespace BackOffice.Web.Features;

/// <summary>
/// The cultures amounts are read and written in: the browser's, when it is one of these, else en-US. A Blazor circuit
/// keeps the culture of the request that opened it.
/// </summary>
internal static class Cultures
{
    public static readonly string[] Supported = ["en-US", "en-GB", "en", "de-DE", "de-AT", "de"];

    public static IApplicationBuilder UseBackOfficeCultures(this IApplicationBuilder app) => app.UseRequestLocalization(options =>
    {
        options.SetDefaultCulture(Supported[0]).AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
        options.ApplyCurrentCultureToResponseHeaders = true;
    });

    public static CultureInfo Default => CultureInfo.GetCultureInfo(Supported[0]);
}
