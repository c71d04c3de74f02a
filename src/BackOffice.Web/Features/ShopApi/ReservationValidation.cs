using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>The reservation request's fields checked one by one, and the request turned into an order for Klarna.</summary>
internal static class ReservationValidation
{
    public static Dictionary<string, string[]> Errors(ReservationRequest request)
    {
        var errors = BasketValidation.Errors(new PaymentOptionsRequest(request.Amount, request.Currency, request.PriceDisplay, request.BillingAddress,
            request.ShippingAddress, request.ShippingDestinations, request.CoveredByOtherInstrument, request.DigitalGoodsOnly));
        if (request.Amount is <= 0)
            errors["amount"] = ["A reservation is for more than nothing."];
        if (string.IsNullOrWhiteSpace(request.OrderNumber) || request.OrderNumber.Trim().Length > 100 || !IsLatin1(request.OrderNumber))
            errors["orderNumber"] = ["Send the shop's order number: 1 to 100 Latin-1 characters."];
        if (request.Service is not (ServiceKind.Invoice or ServiceKind.Installments))
            errors["service"] = ["Send Invoice or Installments."];
        if (request.Customer?.Gender is { } gender && !Enum.IsDefined(gender))
            errors["customer.gender"] = ["Send Female, Male or nothing."];
        if (request.Service == ServiceKind.Installments && request.PClass is null or < 0)
            errors["pclass"] = ["Installments need the id of one of the channel's PClasses (see payment-options)."];
        if (request.Customer?.PersonalNumber is not { Length: >= 4 and <= 20 } pno || !pno.All(c => char.IsAsciiDigit(c) || c == '-'))
            errors["customer.personalNumber"] = ["Send the customer's personal number (digits, 4 to 20)."];
        if (request.Customer?.Email is { Length: > 0 } email && (!email.Contains('@', StringComparison.Ordinal) || email.Length > 256))
            errors["customer.email"] = ["Send a valid e-mail address or none."];
        if (request.ClientIp is { Length: > 0 } ip && !System.Net.IPAddress.TryParse(ip, out _))
            errors["clientIp"] = ["Send the customer's IP address, e.g. 203.0.113.7, or none."];
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
            if (line.Quantity is < 1 or > 100_000)
                errors[$"lines[{i}].quantity"] = ["A quantity is from 1 to 100000."];
            if (line.UnitPrice is < 0 or > int.MaxValue)
                errors[$"lines[{i}].unitPrice"] = ["A unit price is in minor units, from 0 to 2147483647, VAT included."];
            if (line.VatPercent is < 0 or > 100 || line.DiscountPercent is < 0 or > 100)
                errors[$"lines[{i}].vatPercent"] = ["VAT and discount are percentages from 0 to 100."];
        }
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
            request.Service == ServiceKind.Installments ? request.PClass!.Value : -1,
            request.Customer.Gender ?? Gender.Unknown, request.ClientIp ?? "");
    }

    /// <summary>Klarna's wire is ISO-8859-1: as the seed connector did, characters beyond it are dropped from titles.</summary>
    public static string StripToLatin1(string text) => new(text.Where(c => c <= '\u00FF' && !char.IsControl(c)).ToArray());

    private static bool IsLatin1(string text) => text.All(c => c <= '\u00FF' && !char.IsControl(c));

    private static KlarnaAddress Address(ApiAddress address, ApiCustomer customer) => new()
    {
        FirstName = StripToLatin1(address.FirstName!.Trim()), LastName = StripToLatin1(address.LastName!.Trim()), Company = StripToLatin1(address.Company?.Trim() ?? ""),
        CareOf = StripToLatin1(address.CareOf?.Trim() ?? ""), Street = StripToLatin1(address.Street!.Trim()), HouseNumber = StripToLatin1(address.HouseNumber?.Trim() ?? ""),
        PostalCode = StripToLatin1(address.PostalCode!.Trim()), City = StripToLatin1(address.City!.Trim()), Country = Enum.Parse<KlarnaCountry>(address.Country!),
        Email = StripToLatin1(address.Email?.Trim() ?? customer.Email?.Trim() ?? ""), CellPhone = StripToLatin1(address.Phone?.Trim() ?? customer.Phone?.Trim() ?? ""),
    };
}
