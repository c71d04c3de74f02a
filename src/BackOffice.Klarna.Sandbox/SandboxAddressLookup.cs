namespace BackOffice.Klarna.Sandbox;

/// <summary>
/// get_addresses rows in the shapes Klarna answered (recorded by Klarna's Ruby client, read by its PHP and Python
/// clients). Given (5): a person <c>[fname, lname, street, zip, city, country]</c>, a company <c>[company, street, zip,
/// city, country]</c> per registered address. All (1): six values, a company with an empty first name. Last (2): the
/// last address only, <c>[lname or company, street, zip, city, country]</c>. Phone (6): <c>[pno, fname, lname, street,
/// zip, city, country]</c> with the country as an int; the others send it as a string, as the test server did.
/// </summary>
internal static class SandboxAddressLookup
{
    private const string Sweden = "209";

    public static List<object> Rows(string number, AddressLookupType type)
    {
        if (type == AddressLookupType.Phone)
        {
            var owner = SandboxTestData.Normalize(number) == SandboxTestData.SwedishTestPhone
                ? SandboxTestData.ApprovedPerson(KlarnaCountry.SE, "410321-9202")
                : null;
            return owner is null
                ? []
                : [new List<object> { owner.PersonalNumber, owner.FirstName, owner.LastName, owner.Street, owner.PostalCode, owner.City, (int)KlarnaCountry.SE }];
        }

        if (SandboxTestData.ApprovedPerson(KlarnaCountry.SE, number) is { } person)
        {
            return type == AddressLookupType.Last
                ? [new List<object> { person.LastName, person.Street, person.PostalCode, person.City, Sweden }]
                : [new List<object> { person.FirstName, person.LastName, person.Street, person.PostalCode, person.City, Sweden }];
        }

        if (SandboxTestData.Company(KlarnaCountry.SE, number) is { Approved: true } company)
        {
            var addresses = type == AddressLookupType.Last ? company.Addresses.TakeLast(1) : company.Addresses;
            return [.. addresses.Select(a => (object)(type == AddressLookupType.All
                ? new List<object> { "", company.Name, a.Street, a.PostalCode, a.City, Sweden }
                : new List<object> { company.Name, a.Street, a.PostalCode, a.City, Sweden }))];
        }
        return [];
    }
}
