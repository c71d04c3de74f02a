using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Tests.Features.Channels;

public sealed class ChannelRulesTests
{
    private static readonly PaymentServiceSettings Enabled = new(true, 1395, false, false, false, InvoiceShipment.EMail);

    [Theory]
    [InlineData("shop")]
    [InlineData("shop-de-2")]
    [InlineData("0")]
    public void Codes_of_lower_case_letters_digits_and_dashes_are_valid(string code)
    {
        Assert.Null(Channel.CodeError(code));
        Assert.Equal(code, new Channel(code, "Shop").Code);
    }

    [Theory]
    [InlineData("", "Enter a code.")]
    [InlineData("Shop", "lower-case")]
    [InlineData("shop_de", "lower-case")]
    [InlineData("-shop", "lower-case")]
    [InlineData("shop--de", "lower-case")]
    [InlineData("shöp", "lower-case")]
    public void Other_codes_are_refused_with_a_reason(string code, string reason)
    {
        Assert.Contains(reason, Channel.CodeError(code)?.ToString(), StringComparison.Ordinal);
        Assert.Throws<BusinessRuleException>(() => new Channel(code, "Shop"));
    }

    [Fact]
    public void A_code_has_at_most_40_characters_and_a_name_100()
    {
        Assert.Null(Channel.CodeError(new string('a', 40)));
        Assert.NotNull(Channel.CodeError(new string('a', 41)));
        Assert.Null(Channel.NameError(new string('n', 100)));
        Assert.NotNull(Channel.NameError(new string('n', 101)));
        Assert.NotNull(Channel.NameError("   "));
    }

    [Fact]
    public void A_new_channel_has_its_name_trimmed_and_a_legacy_service_never_saved_is_off_on_the_test_gateway()
    {
        var channel = new Channel("shop", "  Shop  ");
        var service = new PaymentService(1, KlarnaModule.Invoice);

        Assert.Equal("Shop", channel.Name);
        Assert.Equal((false, ProviderEnvironment.Test, false), (service.Enabled, service.Environment, service.HasSecret));
    }

    [Fact]
    public void Configure_lists_what_changed_and_never_the_secret()
    {
        var service = new PaymentService(1, KlarnaModule.Invoice);

        var changes = service.Configure(Enabled, "protected-form-of-the-secret").Select(c => c.ToString()).ToList();
        var again = service.Configure(Enabled with { UseLiveGateway = true }, null).Select(c => c.ToString());

        Assert.Contains("Enabled: Off → On", changes);
        Assert.Contains("Merchant ID: not set → 1395", changes);
        Assert.Contains("Shared secret set", changes);
        Assert.Equal(["Use live gateway: Off → On"], again);
        Assert.DoesNotContain(changes, c => c.Contains("protected-form", StringComparison.Ordinal));
        Assert.True(service.HasSecret);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_merchant_id_is_positive(int merchantId)
    {
        var service = new PaymentService(1, KlarnaModule.Invoice);

        var error = Assert.Throws<BusinessRuleException>(() => service.Configure(Enabled with { MerchantId = merchantId }, "p"));

        Assert.Equal("The merchant ID is a positive whole number.", error.Message);
        Assert.False(service.Enabled);
    }

    [Fact]
    public void An_enabled_service_needs_a_merchant_id_and_a_secret()
    {
        var service = new PaymentService(1, KlarnaModule.Invoice);

        Assert.Throws<BusinessRuleException>(() => service.Configure(Enabled with { MerchantId = null }, "p"));
        Assert.Throws<BusinessRuleException>(() => service.Configure(Enabled, null));
        Assert.Empty(service.Configure(Enabled with { Enabled = false, MerchantId = null, InvoiceShipment = InvoiceShipment.Mail }, null));
    }

    [Fact]
    public void Every_change_gives_the_service_a_new_version()
    {
        var service = new PaymentService(1, KlarnaModule.Invoice);
        var before = service.Version;

        service.Configure(Enabled, "p");

        Assert.NotEqual(before, service.Version);
    }
}
