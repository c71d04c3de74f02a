using BackOffice.Klarna;

namespace BackOffice.Web.Features.Klarna.PClasses;

/// <summary>
/// A PClass as the seed connector stores it: fees and minimum amount in major units (the wire's minor units / 100),
/// interest in percent, the country as ISO code, expiry as a Unix time (0 = never), and the eid it belongs to.
/// </summary>
public sealed record StoredPClass(
    int Id,
    string Description,
    int Months,
    decimal StartFee,
    decimal InvoiceFee,
    decimal InterestRate,
    decimal MinAmount,
    KlarnaCountry Country,
    PClassType Type,
    DateOnly? ExpiresOn,
    int Eid)
{
    /// <summary>The invoice PClass (pay in 14 days): never downloaded, always offered.</summary>
    public static StoredPClass Invoice(KlarnaCountry country) =>
        new(-1, "Invoice – pay within 14 days", 0, 0, 0, 0, 0, country, PClassType.Invoice, null, 0);

    public static StoredPClass From(PClass pclass, int eid) => new(
        pclass.Id, pclass.Description, pclass.Months,
        pclass.StartFee / 100m, pclass.InvoiceFee / 100m, pclass.InterestRate / 100m, pclass.MinimumAmount / 100m,
        pclass.Country, pclass.Type, pclass.ExpiresOn, eid);

    public bool IsExpired(DateOnly today) => ExpiresOn is { } date && date < today;
}
