using BackOffice.Klarna;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Start-up checks of section Klarna; each failure names the key to fix.</summary>
internal sealed class KlarnaOptionsValidator : IValidateOptions<KlarnaOptions>
{
    public ValidateOptionsResult Validate(string? name, KlarnaOptions options)
    {
        var errors = new List<string>();
        const string section = KlarnaOptions.Section;

        foreach (var (service, currencies) in options.Currencies)
        {
            if (service != KlarnaModule.Invoice.Key && service != KlarnaModule.Installments.Key)
                errors.Add($"{section}:Currencies:{service} is not a service of Klarna's legacy API (Invoice, Installments).");
            foreach (var currency in currencies.Where(c => !IsName<KlarnaCurrency>(c)))
                errors.Add($"{section}:Currencies:{service} has '{currency}', which Klarna does not support (SEK, NOK, EUR, DKK).");
        }
        foreach (var (currency, countries) in options.Countries)
        {
            foreach (var country in countries)
            {
                if (!IsName<KlarnaCountry>(country))
                    errors.Add($"{section}:Countries:{currency} has '{country}', which Klarna does not support (AT, DK, FI, DE, NL, NO, SE).");
                else if (!IsName<KlarnaCurrency>(currency) || !KlarnaMarkets.IsValid(Enum.Parse<KlarnaCountry>(country), Enum.Parse<KlarnaCurrency>(currency)))
                    errors.Add($"{section}:Countries:{currency} has '{country}', but Klarna does not take {currency} in {country}.");
            }
        }
        foreach (var country in options.SsnCheckCountries.Where(c => !IsName<KlarnaCountry>(c)))
            errors.Add($"{section}:SsnCheckCountries has '{country}', which Klarna does not support.");

        RequirePlaceholder(errors, $"{section}:TestInvoiceUrlPattern", options.TestInvoiceUrlPattern, "{invoice_num}");
        RequirePlaceholder(errors, $"{section}:LiveInvoiceUrlPattern", options.LiveInvoiceUrlPattern, "{invoice_num}");
        RequirePlaceholder(errors, $"{section}:LogoUrlPattern", options.LogoUrlPattern, "{country}");

        if (options.CancelDelaySeconds is < 1 or > 3600)
            errors.Add($"{section}:CancelDelaySeconds must be between 1 and 3600 seconds, not {options.CancelDelaySeconds}.");
        if (options.ReservationDays is < 1 or > 365)
            errors.Add($"{section}:ReservationDays must be between 1 and 365, not {options.ReservationDays}.");
        if (string.IsNullOrWhiteSpace(options.PClassDirectory))
            errors.Add($"{section}:PClassDirectory must name a folder.");
        if (options.CareOfSource != AddressLineSource.None && options.CareOfSource == options.HouseNumberSource)
            errors.Add($"{section}:CareOfSource and {section}:HouseNumberSource cannot read the same address line.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsName<TEnum>(string value) where TEnum : struct, Enum => Enum.GetNames<TEnum>().Contains(value, StringComparer.Ordinal);

    private static void RequirePlaceholder(List<string> errors, string key, string pattern, string placeholder)
    {
        if (!pattern.Contains(placeholder, StringComparison.Ordinal)
            || !Uri.TryCreate(pattern.Replace(placeholder, "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http"))
            errors.Add($"{key} must be an http(s) URL containing {placeholder}, not '{pattern}'.");
    }
}
