namespace BackOffice.Klarna.Sandbox;

/// <summary>A published Klarna test person and what Klarna's test server decided for them.</summary>
public sealed record SandboxTestPerson(
    KlarnaCountry Country,
    string PersonalNumber,
    string FirstName,
    string LastName,
    string Street,
    string HouseNumber,
    string HouseExtension,
    string PostalCode,
    string City,
    string CellPhone,
    bool Approved);

public sealed record SandboxCompanyAddress(string Street, string PostalCode, string City);

/// <summary>A published Klarna test company, found by its organisation number, with every address it is registered at.</summary>
public sealed record SandboxTestCompany(KlarnaCountry Country, string OrganisationNumber, string Name, IReadOnlyList<SandboxCompanyAddress> Addresses, bool Approved);

/// <summary>
/// The test persons and companies Klarna published for its legacy API (sources in the sandbox's README). Approved
/// ones reserve; denied ones are refused with 2101 (in DE and NL, where the number is a birth date, the denied
/// person shares it and is told apart by the last name "Denied").
/// </summary>
public static class SandboxTestData
{
    public static IReadOnlyList<SandboxTestPerson> Persons { get; } =
    [
        new(KlarnaCountry.SE, "410321-9202", "Testperson-se", "Approved", "Stårgatan 1", "", "", "12345", "Ankeborg", "0765260000", true),
        new(KlarnaCountry.SE, "411028-8083", "Testperson-se", "Denied", "Stårgatan 1", "", "", "12345", "Ankeborg", "0765260000", false),
        new(KlarnaCountry.NO, "01121579533", "Testperson-no", "Approved", "Sæffleberggate 56", "", "", "0563", "Oslo", "40 123 456", true),
        new(KlarnaCountry.NO, "01121598422", "Testperson-no", "Denied", "Sæffleberggate 56", "", "", "0563", "Oslo", "40 123 456", false),
        new(KlarnaCountry.FI, "190122-829F", "Testperson-fi", "Approved", "Kiväärikatu 10", "", "", "28100", "Pori", "0401234567", true),
        new(KlarnaCountry.FI, "190122-333F", "Testperson-fi", "Denied", "Kiväärikatu 10", "", "", "28100", "Pori", "0401234567", false),
        new(KlarnaCountry.DK, "0801363945", "Testperson-dk", "Approved", "Sæffleberggate 56,1 mf", "", "", "6800", "Varde", "20 123 456", true),
        new(KlarnaCountry.DK, "0801373501", "Testperson-dk", "Denied", "Sæffleberggate 56,1 mf", "", "", "6800", "Varde", "20 123 456", false),
        new(KlarnaCountry.DE, "07071960", "Testperson-de", "Approved", "Hellersbergstraße", "14", "", "41460", "Neuss", "01522113356", true),
        new(KlarnaCountry.DE, "07071960", "Testperson-de", "Denied", "Hellersbergstraße", "14", "", "41460", "Neuss", "01522113356", false),
        new(KlarnaCountry.NL, "10071970", "Testperson-nl", "Approved", "Neherkade", "1", "XI", "2521VA", "Gravenhage", "0612345678", true),
        new(KlarnaCountry.NL, "10071970", "Testperson-nl", "Denied", "Neherkade", "1", "XI", "2521VA", "Gravenhage", "0612345678", false),
        new(KlarnaCountry.AT, "14041960", "Testperson-at", "Approved", "Klarna-Straße 1/2/3", "", "", "8071", "Hausmannstätten", "0676 2600000", true),
        new(KlarnaCountry.AT, "14041980", "Testperson-at", "Denied", "Klarna-Straße 1/2/3", "", "", "8070", "Hausmannstätten", "0676 2800000", false),

        // The earlier generation (Klarna API 2.0), still in the Ruby client's fixtures.
        new(KlarnaCountry.SE, "4304158399", "Karl", "Lidin", "Junibackg. 42", "", "", "23634", "Hollviken", "076 526 00 00", true),
        new(KlarnaCountry.SE, "5311096845", "Maud", "Johansson", "Köpmansgatan 7", "", "", "12149", "Johanneshov", "076 526 00 00", false),
        new(KlarnaCountry.NO, "18106500157", "Petter", "Testmann", "Hundremeterskogen 100", "", "", "0563", "Oslo", "40 123 456", true),
        new(KlarnaCountry.NO, "18106500076", "Petra", "Testdame", "Sofienberggate 56", "", "", "0563", "Oslo", "40 123 456", false),
        new(KlarnaCountry.DK, "0505610059", "Rasmus Jens-Peter", "Lybert", "Godthåbvej 8,-2", "", "", "3900", "Godthåb", "20 123 456", true),
        new(KlarnaCountry.DE, "070719601", "Uno", "Eins", "Hellersbergstrasse", "14", "", "41460", "Neuss", "015 2211 3356", true),
        new(KlarnaCountry.DE, "07071950", "Uno", "Vier", "Hellersbergstrasse", "14", "", "41460", "Neuss", "015 2211 3356", false),
    ];

    public static IReadOnlyList<SandboxTestCompany> Companies { get; } =
    [
        new(KlarnaCountry.SE, "002031-0132", "Testcompany-se", [new("Stårgatan 1", "12345", "Ankeborg"), new("lillegatan 1", "12334", "Ankeborg")], true),
        new(KlarnaCountry.SE, "6020310139", "Kalle Anka AB", [new("Storgatan 1", "12345", "Ankeborg"), new("Lillgatan 99", "77777", "Ankeborg")], true),
        new(KlarnaCountry.SE, "6720217931", "Björnligan AB", [new("Fulgatan 1", "12345", "Ankeborg"), new("Bakgatan 99", "77777", "Ankeborg")], false),
        new(KlarnaCountry.DK, "27968880", "Onbase ApS", [new("Centrumgaden 37", "2750", "Ballerup")], true),
        new(KlarnaCountry.DK, "99999993", "Larsen & Olsen Contracters ApS", [new("Glarmestervej 2", "8600", "Silkeborg")], false),
        new(KlarnaCountry.FI, "10891871", "Porin Mies-Laulu r.y.", [new("Vapaudenkatu 10", "28100", "Pori")], true),
        new(KlarnaCountry.FI, "07527622", "Mankalan Perhekodit Oy", [new("Porrassalmenkatu 19 B", "50100", "Parikkala")], false),
    ];

    /// <summary>The phone number that get_addresses (by phone, type 6) resolves to the Swedish approved test person.</summary>
    public const string SwedishTestPhone = "46701111111";

    /// <summary>Personal and organisation numbers compare without their separators: 410321-9202 is 4103219202.</summary>
    public static string Normalize(string number) =>
        string.Concat(number.Where(c => c is not ('-' or '+' or ' '))).ToUpperInvariant();

    public static SandboxTestPerson? Person(KlarnaCountry country, string personalNumber, string lastName) =>
        Persons.Where(p => p.Country == country && Normalize(p.PersonalNumber) == Normalize(personalNumber))
            .OrderByDescending(p => p.LastName == lastName)
            .FirstOrDefault();

    public static SandboxTestPerson? ApprovedPerson(KlarnaCountry country, string personalNumber) =>
        Persons.FirstOrDefault(p => p.Approved && p.Country == country && Normalize(p.PersonalNumber) == Normalize(personalNumber));

    public static SandboxTestCompany? Company(KlarnaCountry country, string organisationNumber) =>
        Companies.FirstOrDefault(c => c.Country == country && Normalize(c.OrganisationNumber) == Normalize(organisationNumber));
}
