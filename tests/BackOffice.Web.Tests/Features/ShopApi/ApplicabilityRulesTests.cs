using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;

namespace BackOffice.Web.Tests.Features.ShopApi;

/// <summary>Each rule of the seed's applicability table, both ways.</summary>
public sealed class ApplicabilityRulesTests
{
    private static readonly BasketAddress Address = new("Max", "Mustermann", "DE", "Hellersbergstraße 14", "41460", "Neuss", Phone: "0170 1234567");
    private static readonly Basket Good = new(10_000, "EUR", PriceDisplay.Gross, Address, Address);
    private static readonly PaymentServiceSettings On = new(true, 1395, false, false, false, InvoiceShipment.EMail);
    private static readonly KlarnaOptions Options = new()
    {
        Currencies = { [KlarnaModule.Invoice.Key] = ["EUR"], [KlarnaModule.Installments.Key] = ["EUR"] },
        Countries = { ["EUR"] = ["DE", "AT"] },
    };

    [Theory]
    [InlineData("Invoice")]
    [InlineData("Installments")]
    public void A_good_basket_is_applicable(string service)
    {
        var result = ApplicabilityRules.Evaluate(new ServiceKind(service), On, Good, Options, hasPClasses: true);

        Assert.Equal((Applicability.Applicable, 0), (result.Applicability, result.Reasons.Count));
    }

    public static TheoryData<string, Basket, string> NotApplicableBaskets => new()
    {
        { "net prices", Good with { PriceDisplay = PriceDisplay.Net }, "gross prices" },
        { "zero amount", Good with { Amount = 0 }, "amount is zero" },
        { "other instrument", Good with { CoveredByOtherInstrument = true }, "another payment instrument" },
        { "digital goods", Good with { DigitalGoodsOnly = true }, "digital goods only" },
        { "country not offered", Good with { BillingAddress = Address with { Country = "SE" }, ShippingAddress = Address with { Country = "SE" } }, "no PClass for invoicing country SE" },
        { "currency not offered", Good with { Currency = "SEK" }, "currency SEK" },
    };

    [Theory]
    [MemberData(nameof(NotApplicableBaskets))]
    public void Baskets_the_table_excludes_are_not_applicable_with_the_reason(string rule, Basket basket, string reason)
    {
        var result = ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, basket, Options, hasPClasses: true);

        Assert.Equal(Applicability.NotApplicable, result.Applicability);
        Assert.Contains(result.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
        Assert.NotNull(rule);
    }

    [Fact]
    public void Installments_without_a_pclass_are_not_applicable_but_the_invoice_needs_none()
    {
        Assert.Equal(Applicability.NotApplicable, ApplicabilityRules.Evaluate(KlarnaModule.Installments, On, Good, Options, hasPClasses: false).Applicability);
        Assert.Equal(Applicability.Applicable, ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, Good, Options, hasPClasses: false).Applicability);
    }

    [Fact]
    public void A_disabled_service_is_not_applicable()
    {
        Assert.Equal(Applicability.NotApplicable, ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On with { Enabled = false }, Good, Options, true).Applicability);
    }

    [Fact]
    public void Several_shipping_destinations_restrict()
    {
        var result = ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, Good with { ShippingDestinations = 2 }, Options, true);

        Assert.Equal((Applicability.Restricted, "The basket ships to more than one destination."), (result.Applicability, result.Reasons.Single()));
        Assert.Equal(Applicability.Applicable, ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, Good with { ShippingDestinations = 1 }, Options, true).Applicability);
    }

    [Fact]
    public void Not_applicable_wins_over_restricted()
    {
        var result = ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, Good with { ShippingDestinations = 3, DigitalGoodsOnly = true }, Options, true);

        Assert.Equal((Applicability.NotApplicable, 1), (result.Applicability, result.Reasons.Count));
    }

    [Fact]
    public void Without_prohibit_multiple_addresses_another_address_of_the_same_person_is_fine()
    {
        var shipping = Address with { Street = "Elsewhere 1", City = "Köln", PostalCode = "50667" };

        Assert.Null(ApplicabilityRules.AddressProblem(Address, shipping, prohibitMultipleAddresses: false));
        Assert.Contains("last name", ApplicabilityRules.AddressProblem(Address, shipping with { LastName = "Other" }, false), StringComparison.Ordinal);
        Assert.Contains("phone", ApplicabilityRules.AddressProblem(Address, shipping with { Phone = "0" }, false), StringComparison.Ordinal);
        Assert.Contains("country", ApplicabilityRules.AddressProblem(Address, shipping with { Country = "AT" }, false), StringComparison.Ordinal);
        Assert.Contains("first name", ApplicabilityRules.AddressProblem(Address, shipping with { FirstName = "Moritz" }, false), StringComparison.Ordinal);
    }

    [Fact]
    public void With_prohibit_multiple_addresses_the_addresses_must_be_the_same()
    {
        Assert.Null(ApplicabilityRules.AddressProblem(Address, Address with { City = " NEUSS " }, prohibitMultipleAddresses: true));
        Assert.NotNull(ApplicabilityRules.AddressProblem(Address, Address with { Street = "Elsewhere 1" }, prohibitMultipleAddresses: true));
    }

    [Theory]
    [InlineData(Applicability.NotApplicable)]
    [InlineData(Applicability.Restricted)]
    public void Incompatible_addresses_are_what_the_configuration_says(Applicability configured)
    {
        var options = new KlarnaOptions { Currencies = Options.Currencies, Countries = Options.Countries, ApplicabilityOnIncompatibleAddresses = configured };

        var result = ApplicabilityRules.Evaluate(KlarnaModule.Invoice, On, Good with { ShippingAddress = Address with { LastName = "Other" } }, options, true);

        Assert.Equal(configured, result.Applicability);
    }
}
