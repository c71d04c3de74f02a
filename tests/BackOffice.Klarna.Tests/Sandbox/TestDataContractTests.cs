using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>Klarna's published test persons and companies, with the outcomes and address rows Klarna answered for them.</summary>
public sealed class TestDataContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    public static TheoryData<KlarnaCountry> Countries => [KlarnaCountry.SE, KlarnaCountry.NO, KlarnaCountry.FI, KlarnaCountry.DK, KlarnaCountry.DE, KlarnaCountry.NL, KlarnaCountry.AT];

    [Theory]
    [MemberData(nameof(Countries))]
    public async Task Each_countrys_approved_person_reserves_and_denied_person_is_refused(KlarnaCountry country)
    {
        var persons = SandboxTestData.Persons.Where(p => p.Country == country).ToList();
        Assert.Contains(persons, p => p.Approved);
        Assert.Contains(persons, p => !p.Approved);

        foreach (var approved in persons.Where(p => p.Approved))
            Assert.Equal(OrderStatus.Accepted, (await gateway.ReserveAmountAsync(sandbox.Merchant, Reservation(approved))).Status);
        foreach (var denied in persons.Where(p => !p.Approved))
            await Expect.Fault(KlarnaFaultCode.Credit, () => gateway.ReserveAmountAsync(sandbox.Merchant, Reservation(denied)));
    }

    [Theory]
    [InlineData(KlarnaCountry.SE, "6020310139", true)]
    [InlineData(KlarnaCountry.SE, "6720217931", false)]
    [InlineData(KlarnaCountry.DK, "27968880", true)]
    [InlineData(KlarnaCountry.DK, "99999993", false)]
    [InlineData(KlarnaCountry.FI, "10891871", true)]
    [InlineData(KlarnaCountry.FI, "07527622", false)]
    public async Task Test_companies_reserve_by_organisation_number_with_their_outcome(KlarnaCountry country, string organisationNumber, bool approved)
    {
        var company = SandboxTestData.Companies.Single(c => c.OrganisationNumber == organisationNumber);
        var buyer = SandboxTestData.Persons.First(p => p.Country == country && p.Approved);
        var request = Reservation(buyer with { PersonalNumber = organisationNumber, FirstName = "", LastName = company.Name, Street = company.Addresses[0].Street,
            PostalCode = company.Addresses[0].PostalCode, City = company.Addresses[0].City });

        if (approved)
            Assert.Equal(OrderStatus.Accepted, (await gateway.ReserveAmountAsync(sandbox.Merchant, request)).Status);
        else
            await Expect.Fault(KlarnaFaultCode.Credit, () => gateway.ReserveAmountAsync(sandbox.Merchant, request));
    }

    [Fact]
    public async Task A_denied_personal_number_is_refused_whatever_the_name()
    {
        var denied = SandboxTestData.Persons.First(p => p.Country == KlarnaCountry.SE && !p.Approved);
        var request = Reservation(denied);
        var renamed = request with { BillingAddress = request.BillingAddress with { LastName = "Approved" } };

        await Expect.Fault(KlarnaFaultCode.Credit, () => gateway.ReserveAmountAsync(sandbox.Merchant, renamed));
    }

    [Fact]
    public async Task A_pending_trigger_works_with_any_domain()
    {
        var person = SandboxTestData.Persons.First(p => p.Country == KlarnaCountry.SE && p.Approved);
        var request = Reservation(person);
        var pending = request with { BillingAddress = request.BillingAddress with { Email = "pending_accepted@client.com" } };

        Assert.Equal(OrderStatus.Pending, (await gateway.ReserveAmountAsync(sandbox.Merchant, pending)).Status);
    }

    [Fact]
    public async Task Get_addresses_answers_each_lookup_type_in_klarnas_row_shapes()
    {
        var person = new RegisteredAddress("Testperson-se", "Approved", "", "Stårgatan 1", "12345", "Ankeborg", KlarnaCountry.SE);

        Assert.Equal([person], await gateway.GetAddressesAsync(sandbox.Merchant, "410321-9202"));
        Assert.Equal([person], await gateway.GetAddressesAsync(sandbox.Merchant, "4103219202", type: AddressLookupType.All));
        Assert.Equal([person with { FirstName = "" }], await gateway.GetAddressesAsync(sandbox.Merchant, "4103219202", type: AddressLookupType.Last));
        Assert.Equal([person with { PersonalNumber = "410321-9202" }],
            await gateway.GetAddressesAsync(sandbox.Merchant, SandboxTestData.SwedishTestPhone, type: AddressLookupType.Phone));

        var company = new RegisteredAddress("", "", "Testcompany-se", "Stårgatan 1", "12345", "Ankeborg", KlarnaCountry.SE);
        var second = company with { Street = "lillegatan 1", PostalCode = "12334" };
        Assert.Equal([company, second], await gateway.GetAddressesAsync(sandbox.Merchant, "002031-0132"));
        Assert.Equal([company, second], await gateway.GetAddressesAsync(sandbox.Merchant, "0020310132", type: AddressLookupType.All));
        Assert.Equal([new RegisteredAddress("", "Testcompany-se", "", "lillegatan 1", "12334", "Ankeborg", KlarnaCountry.SE)],
            await gateway.GetAddressesAsync(sandbox.Merchant, "002031-0132", type: AddressLookupType.Last));

        Assert.Equal(2, (await gateway.GetAddressesAsync(sandbox.Merchant, "602031-0139")).Count(a => a.Company == "Kalle Anka AB"));
        Assert.Empty(await gateway.GetAddressesAsync(sandbox.Merchant, "6720217931"));
        Assert.Empty(await gateway.GetAddressesAsync(sandbox.Merchant, "5501011234"));
        Assert.Empty(await gateway.GetAddressesAsync(sandbox.Merchant, "46700000000", type: AddressLookupType.Phone));
    }

    private static ReserveAmountRequest Reservation(SandboxTestPerson person)
    {
        var market = KlarnaMarkets.Find(person.Country)!;
        var address = new KlarnaAddress
        {
            Email = "youremail@email.com",
            CellPhone = person.CellPhone,
            FirstName = person.FirstName,
            LastName = person.LastName,
            Street = person.Street,
            HouseNumber = person.HouseNumber,
            HouseExtension = person.HouseExtension,
            PostalCode = person.PostalCode,
            City = person.City,
            Country = person.Country,
        };
        return new ReserveAmountRequest
        {
            PersonalNumber = person.PersonalNumber,
            Amount = 1999,
            ShippingAddress = address,
            BillingAddress = address,
            Currency = market.Currency,
            Country = market.Country,
            Language = market.Language,
            PnoEncoding = market.PnoEncoding,
            Goods = [new GoodsLine("1001", "Test-Article", 1, 1999, 25)],
        };
    }
}
