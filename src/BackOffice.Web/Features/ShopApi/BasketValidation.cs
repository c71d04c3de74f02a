using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>Field-by-field checks of what a shop sends, with messages a shop developer can act on.</summary>
internal static class BasketValidation
{
    public static Dictionary<string, string[]> Errors(PaymentOptionsRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Amount is null or < 0)
            errors["amount"] = ["Send the basket total in minor units (cents), 0 or more."];
        if (request.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
            errors["currency"] = ["Send an ISO 4217 currency code in capitals, e.g. EUR."];
        else if (!Money.IsKnownCurrency(currency))
            errors["currency"] = [$"{currency} is not a currency (ISO 4217)."];
        if (request.PriceDisplay is not (PriceDisplay.Gross or PriceDisplay.Net))
            errors["priceDisplay"] = ["Send Gross or Net."];
        if (request.ShippingDestinations is < 1)
            errors["shippingDestinations"] = ["Send 1 or more, or leave it out for 1."];
        Address(errors, "billingAddress", request.BillingAddress, required: true);
        Address(errors, "shippingAddress", request.ShippingAddress, required: false);
        return errors;
    }

    public static Basket Basket(PaymentOptionsRequest request)
    {
        var billing = Address(request.BillingAddress!);
        return new Basket(request.Amount!.Value, request.Currency!, request.PriceDisplay!.Value, billing,
            request.ShippingAddress is null ? billing : Address(request.ShippingAddress), request.ShippingDestinations ?? 1,
            request.CoveredByOtherInstrument, request.DigitalGoodsOnly);
    }

    private static void Address(Dictionary<string, string[]> errors, string name, ApiAddress? address, bool required)
    {
        if (address is null)
        {
            if (required)
                errors[name] = ["Send the address."];
            return;
        }
        foreach (var (field, value, limit) in new[]
        {
            ("firstName", address.FirstName, FieldRules.Name), ("lastName", address.LastName, FieldRules.Name), ("street", address.Street, FieldRules.Street),
            ("postalCode", address.PostalCode, FieldRules.PostalCode), ("city", address.City, FieldRules.City),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
                errors[$"{name}.{field}"] = [$"Send the {field}."];
            else if (value.Trim().Length > limit)
                errors[$"{name}.{field}"] = [$"At most {limit} characters."];
        }
        foreach (var (field, value, limit) in new[]
        {
            ("company", address.Company, FieldRules.Company), ("houseNumber", address.HouseNumber, FieldRules.HouseNumber), ("careOf", address.CareOf, FieldRules.CareOf),
        })
        {
            if (value?.Trim().Length > limit)
                errors[$"{name}.{field}"] = [$"At most {limit} characters, or leave it out."];
        }
        if (address.Phone is { Length: > 0 } phone && !FieldRules.IsPhone(phone.Trim()))
            errors[$"{name}.phone"] = [$"Send a phone number of at most {FieldRules.Phone} digits, spaces, + and -, or none."];
        if (address.Email is { Length: > 0 } email && !FieldRules.IsEmail(email.Trim()))
            errors[$"{name}.email"] = ["Send a valid e-mail address such as anna@example.com, or none."];
        if (address.Country is not { Length: 2 } country || !PaymentProviders.Countries.Contains(country))
            errors[$"{name}.country"] = [$"Send a country Klarna serves, as ISO 3166 code: {Served()}."];
    }

    private static BasketAddress Address(ApiAddress address) => new(
        address.FirstName!.Trim(), address.LastName!.Trim(), address.Country!, address.Street!.Trim(), address.PostalCode!.Trim(), address.City!.Trim(),
        address.Company?.Trim() ?? "", address.HouseNumber?.Trim() ?? "", address.CareOf?.Trim() ?? "", address.Phone?.Trim() ?? "", address.Email?.Trim() ?? "");

    private static string Served()
    {
        var countries = PaymentProviders.Countries.Order(StringComparer.Ordinal).ToList();
        return countries.Count < 2 ? string.Join("", countries) : $"{string.Join(", ", countries[..^1])} or {countries[^1]}";
    }
}
