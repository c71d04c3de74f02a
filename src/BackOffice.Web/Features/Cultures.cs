using System.Globalization;
using BackOffice.Web.Features.Users;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace BackOffice.Web.Features;

/// <summary>
/// The language and culture pages are shown in: the language the user chose (their <c>locale</c> claim), else the
/// browser's, when it is one of these, else en-US. Numbers, amounts and dates follow the culture. A Blazor circuit
/// keeps the culture of the request that opened it.
/// </summary>
internal static class Cultures
{
    public static readonly string[] Supported = ["en-US", "en-GB", "en", "de-DE", "de-AT", "de-CH", "de"];

    /// <summary>The languages a user may choose, with the culture used when the browser names none of it.</summary>
    public static readonly IReadOnlyDictionary<string, string> Languages = new Dictionary<string, string> { ["en"] = "en-US", ["de"] = "de-DE" };

    public static CultureInfo Default => CultureInfo.GetCultureInfo(Supported[0]);

    public static IServiceCollection AddTexts(this IServiceCollection services) => services
        .AddLocalization()
        .AddTransient<MudLocalizer, MudTexts>();

    /// <summary>After authentication: the user's chosen language comes from their sign-in.</summary>
    public static IApplicationBuilder UseBackOfficeCultures(this IApplicationBuilder app) => app.UseRequestLocalization(options =>
    {
        options.SetDefaultCulture(Supported[0]).AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
        options.ApplyCurrentCultureToResponseHeaders = true;
        options.RequestCultureProviders.Insert(0, new CustomRequestCultureProvider(context => Task.FromResult(ChosenCulture(context))));
    });

    /// <summary>The browser's culture when it is of the chosen language (de-AT keeps its own), else the language's own.</summary>
    private static ProviderCultureResult? ChosenCulture(HttpContext context)
    {
        if (context.User.FindFirst(StaffClaimsFactory.LanguageClaim)?.Value is not { } language || !Languages.TryGetValue(language, out var fallback))
            return null;
        var browsers = context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).Select(l => l.Value.Value);
        var culture = browsers.FirstOrDefault(c => c is not null && Supported.Contains(c, StringComparer.OrdinalIgnoreCase)
            && c.StartsWith(language, StringComparison.OrdinalIgnoreCase) && c.Length > 2) ?? fallback;
        return new ProviderCultureResult(culture);
    }

    /// <summary>MudBlazor's own texts (pager, filters, date picker) from the same resources: keys such as "MudDataGridPager_RowsPerPage".</summary>
    private sealed class MudTexts(IStringLocalizer<Texts> texts) : MudLocalizer
    {
        public override LocalizedString this[string key] => texts[key];

        public override LocalizedString this[string key, params object[] arguments] => texts[key, arguments];
    }
}
