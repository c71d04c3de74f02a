namespace BackOffice.Klarna;

/// <summary>Whose money: passed with every call, so one gateway serves many merchants.</summary>
public sealed record KlarnaCredentials(int MerchantId, string SharedSecret, KlarnaEnvironment Environment)
{
    // The secret never appears in logs or exception messages.
    public override string ToString() => $"eid {MerchantId} ({Environment})";
}

public sealed record KlarnaAddress
{
    public string Email { get; init; } = "";
    public string Phone { get; init; } = "";
    public string CellPhone { get; init; } = "";
    public string FirstName { get; init; } = "";
    public string LastName { get; init; } = "";
    public string Company { get; init; } = "";
    public string CareOf { get; init; } = "";
    public string Street { get; init; } = "";
    public string HouseNumber { get; init; } = "";
    public string HouseExtension { get; init; } = "";
    public string PostalCode { get; init; } = "";
    public string City { get; init; } = "";
    public required KlarnaCountry Country { get; init; }
}

/// <summary>An order line. <paramref name="UnitPrice"/> is in minor units, including VAT when flagged so.</summary>
public sealed record GoodsLine(
    string ArticleNumber,
    string Title,
    int Quantity,
    long UnitPrice,
    decimal VatPercent,
    decimal DiscountPercent = 0,
    GoodsFlags Flags = GoodsFlags.IncludesVat);

public sealed record ArticleQuantity(string ArticleNumber, int Quantity);

public sealed record ReserveAmountRequest
{
    public required string PersonalNumber { get; init; }
    public Gender Gender { get; init; } = Gender.Unknown;
    /// <summary>Minor units; the sum of the goods lines.</summary>
    public required long Amount { get; init; }
    public string Reference { get; init; } = "";
    public string ReferenceCode { get; init; } = "";
    public string OrderId1 { get; init; } = "";
    public string OrderId2 { get; init; } = "";
    public required KlarnaAddress ShippingAddress { get; init; }
    public required KlarnaAddress BillingAddress { get; init; }
    public string ClientIp { get; init; } = "";
    public ReservationFlags Flags { get; init; }
    public required KlarnaCurrency Currency { get; init; }
    public required KlarnaCountry Country { get; init; }
    public required KlarnaLanguage Language { get; init; }
    public required PnoEncoding PnoEncoding { get; init; }
    /// <summary>The PClass id; −1 is the invoice.</summary>
    public int PClass { get; init; } = -1;
    public required IReadOnlyList<GoodsLine> Goods { get; init; }
    public string Comment { get; init; } = "";
    public ShipmentType Shipment { get; init; } = ShipmentType.Normal;
}

public sealed record ReservationResult(string ReservationNumber, OrderStatus Status);

/// <summary>activate's optional_info. Without articles the whole remaining reservation is captured.</summary>
public sealed record ActivateOptions
{
    public ReservationFlags Flags { get; init; }
    public string OrderId1 { get; init; } = "";
    public string OrderId2 { get; init; } = "";
    public string Reference { get; init; } = "";
    public string ReferenceCode { get; init; } = "";
    public IReadOnlyList<ArticleQuantity> Articles { get; init; } = [];
}

public sealed record ActivationResult(string RiskStatus, string InvoiceNumber);

/// <summary>What update changes; null addresses, no goods and empty order ids stay as they are.</summary>
public sealed record ReservationUpdate
{
    public KlarnaAddress? ShippingAddress { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public IReadOnlyList<GoodsLine> Goods { get; init; } = [];
    public string OrderId1 { get; init; } = "";
    public string OrderId2 { get; init; } = "";
}

/// <summary>An invoice's new due date and what moving it costs the merchant (minor units).</summary>
public sealed record DueDateExtension(long Cost, DateOnly NewDueDate);

public sealed record PClass(
    int Id,
    string Description,
    int Months,
    long StartFee,
    long InvoiceFee,
    /// <summary>Hundredths of a percent: 1495 is 14.95 %.</summary>
    int InterestRate,
    long MinimumAmount,
    KlarnaCountry Country,
    PClassType Type,
    /// <summary>Null when it never expires.</summary>
    DateOnly? ExpiresOn);

/// <summary>A get_addresses row: a person (first and last name) or a company.</summary>
public sealed record RegisteredAddress(
    string FirstName,
    string LastName,
    string Company,
    string Street,
    string PostalCode,
    string City,
    KlarnaCountry Country)
{
    public bool IsCompany => Company.Length > 0;

    /// <summary>The personal number, which only a lookup by phone answers.</summary>
    public string PersonalNumber { get; init; } = "";
}
