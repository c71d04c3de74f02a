namespace BackOffice.Klarna.Tests.Infrastructure;

/// <summary>Reservations to make against the sandbox.</summary>
internal static class Orders
{
    public static KlarnaAddress GermanAddress(string lastName = "Mustermann", string email = "max@example.com") => new()
    {
        Email = email,
        CellPhone = "+49 170 1234567",
        FirstName = "Max",
        LastName = lastName,
        Street = "Hellersbergstraße",
        HouseNumber = "14",
        PostalCode = "41460",
        City = "Neuss",
        Country = KlarnaCountry.DE,
    };

    /// <summary>A DE/EUR invoice order: 2 × 10.00 shirts (A1) and 1 × 5.50 cap (B2) = 25.50 EUR.</summary>
    public static ReserveAmountRequest German(string lastName = "Mustermann", string email = "max@example.com", int pclass = -1) => new()
    {
        PersonalNumber = "07071960",
        Gender = Gender.Male,
        Amount = 2550,
        OrderId1 = "order-" + Guid.NewGuid().ToString("N")[..8],
        ShippingAddress = GermanAddress(lastName, email),
        BillingAddress = GermanAddress(lastName, email),
        Currency = KlarnaCurrency.EUR,
        Country = KlarnaCountry.DE,
        Language = KlarnaLanguage.DE,
        PnoEncoding = PnoEncoding.DE,
        PClass = pclass,
        Goods =
        [
            new GoodsLine("A1", "Shirt", 2, 1000, 19),
            new GoodsLine("B2", "Cap", 1, 550, 19),
        ],
    };
}
