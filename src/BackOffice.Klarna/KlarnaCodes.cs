namespace BackOffice.Klarna;

// The wire codes of PROTOCOL.md §5: each enum value is the number Klarna sends.

public enum KlarnaEnvironment
{
    Test,
    Live,
}

public enum OrderStatus
{
    Accepted = 1,
    Pending = 2,
    Denied = 3,
}

public enum KlarnaCountry
{
    AT = 15,
    DK = 59,
    FI = 73,
    DE = 81,
    NL = 154,
    NO = 164,
    SE = 209,
}

public enum KlarnaCurrency
{
    SEK = 0,
    NOK = 1,
    EUR = 2,
    DKK = 3,
}

public enum KlarnaLanguage
{
    DA = 27,
    DE = 28,
    FI = 37,
    NB = 97,
    NL = 101,
    SV = 138,
}

public enum PnoEncoding
{
    SE = 2,
    NO = 3,
    FI = 4,
    DK = 5,
    DE = 6,
    NL = 7,
    AT = 8,
}

public enum PClassType
{
    Invoice = -1,
    Campaign = 0,
    Account = 1,
    Special = 2,
    Fixed = 3,
    Delay = 4,
    Mobile = 5,
}

public enum Gender
{
    Unknown = -1,
    Female = 0,
    Male = 1,
}

[Flags]
public enum ReservationFlags
{
    None = 0,
    TestMode = 2,
    SendByMail = 4,
    SendByEmail = 8,
    PreserveReservation = 16,
    SensitiveOrder = 32,
    PhoneTransaction = 512,
    SendPhonePin = 1024,
}

[Flags]
public enum GoodsFlags
{
    None = 0,
    IsShipment = 8,
    IsHandling = 16,
    IncludesVat = 32,
}

/// <summary>shipment_info.delay_adjust.</summary>
public enum ShipmentType
{
    Normal = 1,
    Express = 2,
}

/// <summary>What check_order_status's id is.</summary>
public enum OrderIdType
{
    ReservationOrInvoiceNumber = 0,
    OrderId = 1,
}

/// <summary>get_addresses type.</summary>
public enum AddressLookupType
{
    All = 1,
    Last = 2,
    Given = 5,
    /// <summary>By the customer's phone number in place of the personal number (Klarna's Ruby client).</summary>
    Phone = 6,
}

public enum KlarnaFaultCode
{
    /// <summary>A code this client does not know; the raw code is kept on the exception.</summary>
    Other = 0,
    Credit = 2101,
    Amount = 2102,
    CellNo = 3201,
    TelNo = 3202,
    Email = 3203,
    Country = 3204,
    City = 3205,
    PostNo = 3206,
    Street = 3207,
    ClientIp = 3208,
    ProtoVsn = 3209,
    GoodsList = 3210,
    ArtNos = 3211,
    UnknownPClass = 6103,
    UnknownInvoice = 8101,
    InvoiceBadStatus = 8104,
    NotAllowedOperation = 9103,
    UnknownArtNo = 9108,
    Rno = 9109,
    UnknownEstore = 9113,
    InvalidEstoreSecret = 9114,
    Currency = 9117,
    Timeout = 9119,
    Pending = 9130,
    TimeoutAlternative = 9191,
}

/// <summary>The valid country / currency / language combinations (PROTOCOL.md §5).</summary>
public static class KlarnaMarkets
{
    public sealed record Market(KlarnaCountry Country, KlarnaCurrency Currency, KlarnaLanguage Language, PnoEncoding PnoEncoding);

    public static IReadOnlyList<Market> All { get; } =
    [
        new(KlarnaCountry.SE, KlarnaCurrency.SEK, KlarnaLanguage.SV, PnoEncoding.SE),
        new(KlarnaCountry.NO, KlarnaCurrency.NOK, KlarnaLanguage.NB, PnoEncoding.NO),
        new(KlarnaCountry.FI, KlarnaCurrency.EUR, KlarnaLanguage.FI, PnoEncoding.FI),
        new(KlarnaCountry.DK, KlarnaCurrency.DKK, KlarnaLanguage.DA, PnoEncoding.DK),
        new(KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE, PnoEncoding.DE),
        new(KlarnaCountry.NL, KlarnaCurrency.EUR, KlarnaLanguage.NL, PnoEncoding.NL),
        new(KlarnaCountry.AT, KlarnaCurrency.EUR, KlarnaLanguage.DE, PnoEncoding.AT),
    ];

    public static Market? Find(KlarnaCountry country) => All.FirstOrDefault(m => m.Country == country);

    public static bool IsValid(KlarnaCountry country, KlarnaCurrency currency) =>
        All.Any(m => m.Country == country && m.Currency == currency);
}
