using BackOffice.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Where Klarna's careof / house_number come from in a shop address.</summary>
public enum AddressLineSource
{
    None,
    AddressLine2,
    AddressLine3,
}

/// <summary>
/// The file-based settings of section <c>Klarna</c>, mirroring the seed connector's <c>intershop.payment.KLARNA.*</c>
/// properties. The gateway's own settings are the subsection <c>Klarna:Gateway</c>.
/// </summary>
public sealed class KlarnaOptions
{
    public const string Section = "Klarna";

    // Lists have no defaults here (the configuration binder appends to them); appsettings.json holds them.

    /// <summary>ISO 4217 codes each service is offered in.</summary>
    public Dictionary<string, List<string>> Currencies { get; set; } = [];

    /// <summary>ISO 3166 countries per currency; only Klarna's valid combinations are allowed.</summary>
    public Dictionary<string, List<string>> Countries { get; set; } = [];

    /// <summary>Countries where a reservation's address is checked against get_addresses.</summary>
    public List<string> SsnCheckCountries { get; set; } = [];

    /// <summary>When the SSN check finds no address: refuse the reservation (true) or go on (false).</summary>
    public bool NoAddressFails { get; set; } = true;

    public string TestInvoiceUrlPattern { get; set; } = "https://online.testdrive.klarna.com/invoices/{invoice_num}.pdf";

    public string LiveInvoiceUrlPattern { get; set; } = "https://online.klarna.com/invoices/{invoice_num}.pdf";

    public string LogoUrlPattern { get; set; } = "https://cdn.klarna.com/1.0/shared/image/generic/logo/{country}/basic/blue-black.png";

    /// <summary>How long after a pending reservation its delayed cancellation runs (Klarna cannot cancel at once).</summary>
    public int CancelDelaySeconds { get; set; } = 5;

    /// <summary>How long Klarna keeps a reservation (7 days); the expiry job asks Klarna before it believes the date.</summary>
    public int ReservationDays { get; set; } = 7;

    /// <summary>What a service is for a basket whose addresses fail the address rules.</summary>
    public Applicability ApplicabilityOnIncompatibleAddresses { get; set; } = Applicability.NotApplicable;

    public AddressLineSource CareOfSource { get; set; } = AddressLineSource.AddressLine3;

    public AddressLineSource HouseNumberSource { get; set; } = AddressLineSource.AddressLine2;

    /// <summary>The shared file system where <c>&lt;country&gt;_&lt;currency&gt;_PClasses.json</c> files live.</summary>
    public string PClassDirectory { get; set; } = "App_Data/pclasses";

    public string InvoiceUrl(ProviderEnvironment environment, string invoiceNumber) =>
        (environment == ProviderEnvironment.Live ? LiveInvoiceUrlPattern : TestInvoiceUrlPattern)
            .Replace("{invoice_num}", Uri.EscapeDataString(invoiceNumber), StringComparison.Ordinal);

    /// <summary>The (country, currency) pairs a service downloads PClasses for.</summary>
    public IEnumerable<KlarnaMarkets.Market> MarketsFor(ServiceKind service) =>
        from currency in Currencies.GetValueOrDefault(service.Key) ?? []
        from country in Countries.GetValueOrDefault(currency) ?? []
        let market = KlarnaMarkets.All.FirstOrDefault(m => m.Country.ToString() == country && m.Currency.ToString() == currency)
        where market is not null
        select market;
}
