using BackOffice.Klarna;
using BackOffice.Web.Features.ShopApi;

namespace BackOffice.Web.Features.Klarna;

/// <summary>The reservation request's fields checked one by one, and the request turned into an order for Klarna.</summary>
internal static class ReservationValidation
{
    public static Dictionary<string, string[]> Errors(ReservationRequest request)
    {
        var errors = BasketValidation.Errors(new PaymentOptionsRequest(request.Amount, request.Currency, request.PriceDisplay, request.BillingAddress,
            request.ShippingAddress, request.ShippingDestinations, request.CoveredByOtherInstrument, request.DigitalGoodsOnly));
        // The shop API takes every country some provider serves; a reservation only those of Klarna's legacy markets.
        foreach (var (name, address) in new[] { ("billingAddress", request.BillingAddress), ("shippingAddress", request.ShippingAddress) })
        {
            if (address?.Country is { } given && !errors.ContainsKey($"{name}.country") && !KlarnaMarkets.All.Any(m => m.Country.ToString() == given))
                errors[$"{name}.country"] = [$"Klarna's legacy API serves {string.Join(", ", KlarnaMarkets.All.Select(m => m.Country))}, not {given}."];
        }
        if (request.Amount is <= 0)
            errors["amount"] = ["A reservation is for more than nothing."];
        if (!errors.ContainsKey("currency") && !Enum.TryParse<KlarnaCurrency>(request.Currency, out _))
            errors["currency"] = [$"Klarna legacy takes EUR, SEK, NOK or DKK, not {request.Currency}."];
        else if (!errors.ContainsKey("currency") && request.BillingAddress?.Country is { } billingCountry && Enum.TryParse<KlarnaCountry>(billingCountry, out var country)
            && KlarnaMarkets.Find(country)?.Currency.ToString() != request.Currency)
            errors["currency"] = [$"Klarna takes {KlarnaMarkets.Find(country)?.Currency} in {country}, not {request.Currency}."];
        if (string.IsNullOrWhiteSpace(request.OrderNumber) || request.OrderNumber.Trim().Length > 100 || !IsLatin1(request.OrderNumber))
            errors["orderNumber"] = ["Send the shop's order number: 1 to 100 Latin-1 characters."];
        if (request.Service != KlarnaModule.Invoice && request.Service != KlarnaModule.Installments)
            errors["service"] = ["Send Invoice or Installments."];
        if (request.Customer?.Gender is { } gender && !Enum.IsDefined(gender))
            errors["customer.gender"] = ["Send Female, Male or nothing."];
        if (request.Service == KlarnaModule.Installments && request.PClass is null or < 0)
            errors["pclass"] = ["Installments need the id of one of the channel's PClasses (see payment-options)."];
        if (request.Customer?.PersonalNumber is not { Length: >= 4 and <= 20 } pno || !pno.All(c => char.IsAsciiDigit(c) || c == '-'))
            errors["customer.personalNumber"] = ["Send the customer's personal number (digits, 4 to 20)."];
        if (request.Customer?.Email is { Length: > 0 } email && !FieldRules.IsEmail(email.Trim()))
            errors["customer.email"] = ["Send a valid e-mail address such as anna@example.com, or none."];
        if (request.Customer?.Phone is { Length: > 0 } phone && !FieldRules.IsPhone(phone.Trim()))
            errors["customer.phone"] = [$"Send a phone number of at most {FieldRules.Phone} digits, spaces, + and -, or none."];
        if (request.ClientIp is { Length: > 0 } ip && !FieldRules.IsIpAddress(ip))
            errors["clientIp"] = ["Send the customer's IP address, e.g. 203.0.113.7 or 2001:db8::7, or none."];
        if (request.Lines is not { Count: > 0 } lines)
        {
            errors["lines"] = ["Send the order lines."];
            return errors;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is null)
            {
                errors[$"lines[{i}]"] = ["Send the line."];
                continue;
            }
            if (string.IsNullOrWhiteSpace(line.ArticleNumber) || line.ArticleNumber.Length > 100)
                errors[$"lines[{i}].articleNumber"] = ["Send the article number (1 to 100 characters)."];
            else if (!IsLatin1(line.ArticleNumber))
                errors[$"lines[{i}].articleNumber"] = ["Klarna takes only Latin-1 characters in article numbers."];
            if (string.IsNullOrWhiteSpace(StripToLatin1(line.Title ?? "")))
                errors[$"lines[{i}].title"] = ["Send a title with Latin-1 characters."];
            else if (line.Title!.Length > FieldRules.Title)
                errors[$"lines[{i}].title"] = [$"A title has at most {FieldRules.Title} characters."];
            if (line.Quantity is < 1 or > 100_000)
                errors[$"lines[{i}].quantity"] = ["A quantity is from 1 to 100000."];
            if (line.UnitPrice is < 0 or > int.MaxValue)
                errors[$"lines[{i}].unitPrice"] = ["A unit price is in minor units, from 0 to 2147483647, VAT included."];
            if (line.VatPercent is < 0 or > 100 || line.DiscountPercent is < 0 or > 100)
                errors[$"lines[{i}].vatPercent"] = ["VAT and discount are percentages from 0 to 100."];
        }
        var duplicates = lines.Select((line, index) => (line?.ArticleNumber?.Trim(), index)).Where(l => l.Item1 is { Length: > 0 })
            .GroupBy(l => l.Item1, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        foreach (var duplicate in duplicates)
            errors[$"lines[{duplicate.Last().index}].articleNumber"] = [$"Article number {duplicate.Key} is on lines {string.Join(", ", duplicate.Select(d => d.index))}; each line needs its own article number (add the quantities up)."];
        if (errors.Keys.All(k => !k.StartsWith("lines", StringComparison.Ordinal)) && request.Amount is { } amount
            && lines.Sum(l => (decimal)l.Quantity * l.UnitPrice) != amount)
            errors["lines"] = [$"The lines add up to {lines.Sum(l => (decimal)l.Quantity * l.UnitPrice)}, not the amount {amount}."];
        if (lines.Any(l => l?.DiscountPercent > 0))
            errors["lines"] = ["Send discounted prices as unit prices; discounts are not taken."];
        return errors;
    }

    public static Basket Basket(ReservationRequest request) => BasketValidation.Basket(new PaymentOptionsRequest(request.Amount, request.Currency,
        request.PriceDisplay, request.BillingAddress, request.ShippingAddress, request.ShippingDestinations, request.CoveredByOtherInstrument, request.DigitalGoodsOnly));

    public static ReservationOrder Order(string channelCode, ReservationRequest request)
    {
        var billing = Address(request.BillingAddress!, request.Customer!);
        return new ReservationOrder(channelCode, request.Service!.Value, request.OrderNumber!.Trim(),
            Enum.Parse<KlarnaCountry>(request.BillingAddress!.Country!), Enum.Parse<KlarnaCurrency>(request.Currency!), request.Customer!.PersonalNumber!,
            billing, request.ShippingAddress is null ? billing : Address(request.ShippingAddress, request.Customer),
            [.. request.Lines!.Select(l => new GoodsLine(l.ArticleNumber!, StripToLatin1(l.Title!), l.Quantity, l.UnitPrice, l.VatPercent, 0,
                GoodsFlags.IncludesVat | (l.IsShipment ? GoodsFlags.IsShipment : 0) | (l.IsHandling ? GoodsFlags.IsHandling : 0)))],
            request.Service == KlarnaModule.Installments ? request.PClass!.Value : -1,
            request.Customer.Gender ?? Gender.Unknown, request.ClientIp ?? "");
    }

    /// <summary>
    /// Names and addresses with characters Klarna's ISO-8859-1 wire cannot carry, each naming the field and the
    /// character: such a request is refused rather than sent with a name Klarna never saw.
    /// </summary>
    public static List<string> CharacterProblems(ReservationRequest request)
    {
        var problems = new List<string>();
        foreach (var (prefix, address) in new[] { ("billingAddress", request.BillingAddress), ("shippingAddress", request.ShippingAddress) })
        {
            if (address is null)
                continue;
            foreach (var (field, value) in new[]
            {
                ("firstName", address.FirstName), ("lastName", address.LastName), ("company", address.Company), ("street", address.Street),
                ("houseNumber", address.HouseNumber), ("careOf", address.CareOf), ("postalCode", address.PostalCode), ("city", address.City),
                ("phone", address.Phone), ("email", address.Email),
            })
            {
                if (NotLatin1(value) is { } character)
                    problems.Add($"{prefix}.{field}: '{character}' (U+{char.ConvertToUtf32(character, 0):X4}) is not a Latin-1 character.");
            }
        }
        foreach (var (field, value) in new[] { ("customer.email", request.Customer?.Email), ("customer.phone", request.Customer?.Phone) })
        {
            if (NotLatin1(value) is { } character)
                problems.Add($"{field}: '{character}' (U+{char.ConvertToUtf32(character, 0):X4}) is not a Latin-1 character.");
        }
        return problems;
    }

    /// <summary>What was changed to suit Klarna: characters removed from product titles, as the seed connector did.</summary>
    public static List<string> Notices(ReservationRequest request) =>
        [.. (request.Lines ?? []).Select((line, index) => (line, index))
            .Where(l => l.line?.Title is { } title && StripToLatin1(title) != title)
            .Select(l => $"lines[{l.index}].title: characters outside Latin-1 were removed; Klarna shows \"{StripToLatin1(l.line!.Title!)}\".")];

    /// <summary>The first character of <paramref name="text"/> outside Latin-1 (a whole surrogate pair), or null.</summary>
    private static string? NotLatin1(string? text)
    {
        if (text is null)
            return null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > '\u00FF' || char.IsControl(text[i]))
                return char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? text.Substring(i, 2) : text[i].ToString();
        }
        return null;
    }

    /// <summary>Klarna's wire is ISO-8859-1: as the seed connector did, characters beyond it are dropped from titles.</summary>
    public static string StripToLatin1(string text) => new(text.Where(c => c <= '\u00FF' && !char.IsControl(c)).ToArray());

    private static bool IsLatin1(string text) => text.All(c => c <= '\u00FF' && !char.IsControl(c));

    /// <summary>Names and addresses were checked to be Latin-1 (<see cref="CharacterProblems"/>); they are sent as they are.</summary>
    private static KlarnaAddress Address(ApiAddress address, ApiCustomer customer) => new()
    {
        FirstName = address.FirstName!.Trim(), LastName = address.LastName!.Trim(), Company = address.Company?.Trim() ?? "",
        CareOf = address.CareOf?.Trim() ?? "", Street = address.Street!.Trim(), HouseNumber = address.HouseNumber?.Trim() ?? "",
        PostalCode = address.PostalCode!.Trim(), City = address.City!.Trim(), Country = Enum.Parse<KlarnaCountry>(address.Country!),
        Email = address.Email?.Trim() ?? customer.Email?.Trim() ?? "", CellPhone = address.Phone?.Trim() ?? customer.Phone?.Trim() ?? "",
    };
}
