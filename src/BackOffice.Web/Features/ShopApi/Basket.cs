namespace BackOffice.Web.Features.ShopApi;

public enum PriceDisplay
{
    Gross,
    Net,
}

public sealed record BasketAddress(
    string FirstName, string LastName, string Country, string Street, string PostalCode, string City,
    string Company = "", string HouseNumber = "", string CareOf = "", string Phone = "", string Email = "");

/// <summary>What a shop asks about: the basket and how it will be paid and shipped.</summary>
public sealed record Basket(
    long Amount,
    string Currency,
    PriceDisplay PriceDisplay,
    BasketAddress BillingAddress,
    BasketAddress ShippingAddress,
    int ShippingDestinations = 1,
    bool CoveredByOtherInstrument = false,
    bool DigitalGoodsOnly = false);
