using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;

namespace BackOffice.Web.Features.Klarna;

public sealed record ServiceApplicability(ServiceKind Service, Applicability Applicability, IReadOnlyList<string> Reasons);

/// <summary>
/// The seed connector's applicability table: whether Klarna Invoice or Installments may be offered for a basket.
/// Any NotApplicable reason wins over Restricted, which wins over Applicable.
/// </summary>
public static class ApplicabilityRules
{
    public static ServiceApplicability Evaluate(ServiceKind service, PaymentServiceSettings settings, Basket basket, KlarnaOptions options, bool hasPClasses,
        string? notReady = null)
    {
        var notApplicable = new List<string>();
        var restricted = new List<string>();
        if (!settings.Enabled)
            notApplicable.Add($"{service.Name} is not enabled in this channel.");
        else if (notReady is not null)
            notApplicable.Add(notReady);
        if (basket.PriceDisplay == PriceDisplay.Net)
            notApplicable.Add("Klarna needs gross prices; the basket shows net prices.");
        if (basket.Amount <= 0)
            notApplicable.Add("The basket amount is zero.");
        if (basket.CoveredByOtherInstrument)
            notApplicable.Add("The basket is covered by another payment instrument.");
        if (basket.DigitalGoodsOnly)
            notApplicable.Add("The basket holds digital goods only.");
        var offered = options.MarketsFor(service).Any(m => m.Country.ToString() == basket.BillingAddress.Country && m.Currency.ToString() == basket.Currency);
        if (!offered || (service == KlarnaModule.Installments && !hasPClasses))
            notApplicable.Add($"There is no PClass for invoicing country {basket.BillingAddress.Country} and currency {basket.Currency}.");
        if (basket.ShippingDestinations > 1)
            restricted.Add("The basket ships to more than one destination.");
        if (AddressProblem(basket.BillingAddress, basket.ShippingAddress, settings.ProhibitMultipleAddresses) is { } addresses)
            (options.ApplicabilityOnIncompatibleAddresses == Applicability.Restricted ? restricted : notApplicable).Add(addresses);

        return notApplicable.Count > 0 ? new(service, Applicability.NotApplicable, notApplicable)
            : restricted.Count > 0 ? new(service, Applicability.Restricted, restricted)
            : new(service, Applicability.Applicable, []);
    }

    /// <summary>
    /// With Prohibit multiple addresses the billing and shipping address must be the same; otherwise they must at least
    /// belong to the same person (first name, last name, country and phone equal).
    /// </summary>
    public static string? AddressProblem(BasketAddress billing, BasketAddress shipping, bool prohibitMultipleAddresses)
    {
        if (prohibitMultipleAddresses)
            return Same(billing) == Same(shipping) ? null : "The billing and shipping addresses must be the same.";
        var differences = new[]
        {
            ("first name", billing.FirstName, shipping.FirstName),
            ("last name", billing.LastName, shipping.LastName),
            ("country", billing.Country, shipping.Country),
            ("phone", billing.Phone, shipping.Phone),
        }.Where(f => !string.Equals(f.Item2.Trim(), f.Item3.Trim(), StringComparison.OrdinalIgnoreCase)).Select(f => f.Item1).ToList();
        return differences.Count == 0 ? null : $"The billing and shipping addresses belong to different people ({string.Join(", ", differences)} differ).";
    }

    private static BasketAddress Same(BasketAddress address) => address with
    {
        FirstName = address.FirstName.Trim().ToUpperInvariant(), LastName = address.LastName.Trim().ToUpperInvariant(),
        Street = address.Street.Trim().ToUpperInvariant(), City = address.City.Trim().ToUpperInvariant(), PostalCode = address.PostalCode.Replace(" ", "", StringComparison.Ordinal),
        Company = address.Company.Trim().ToUpperInvariant(), HouseNumber = address.HouseNumber.Trim().ToUpperInvariant(), CareOf = address.CareOf.Trim().ToUpperInvariant(),
        Phone = address.Phone.Trim(), Email = address.Email.Trim().ToUpperInvariant(),
    };
}
