using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace BackOffice.Web.Tests.Features.Klarna;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class KlarnaOptionsValidatorTests
{
    [Fact]
    public void The_shipped_appsettings_are_valid()
    {
        var options = ShippedOptions();

        Assert.True(new KlarnaOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(5, options.CancelDelaySeconds);
        Assert.Equal(["DE", "AT", "NL", "FI"], options.Countries["EUR"]);
        Assert.Equal(7, options.MarketsFor(KlarnaModule.Installments).Count());
    }

    public static TheoryData<string, Action<KlarnaOptions>> Broken => new()
    {
        { "Klarna:CancelDelaySeconds", o => o.CancelDelaySeconds = 0 },
        { "Klarna:Currencies:Invoice", o => o.Currencies[KlarnaModule.Invoice.Key] = ["USD"] },
        { "Klarna:Currencies:KlarnaPayments", o => o.Currencies["KlarnaPayments"] = ["EUR"] },
        { "Klarna:Countries:EUR", o => o.Countries["EUR"] = ["SE"] },
        { "Klarna:Countries:SEK", o => o.Countries["SEK"] = ["XX"] },
        { "Klarna:SsnCheckCountries", o => o.SsnCheckCountries = ["0"] },
        { "Klarna:TestInvoiceUrlPattern", o => o.TestInvoiceUrlPattern = "https://invoices.example/latest.pdf" },
        { "Klarna:LiveInvoiceUrlPattern", o => o.LiveInvoiceUrlPattern = "not a url {invoice_num}" },
        { "Klarna:LogoUrlPattern", o => o.LogoUrlPattern = "https://cdn.example/logo.png" },
        { "Klarna:PClassDirectory", o => o.PClassDirectory = " " },
        { "Klarna:CareOfSource", o => o.CareOfSource = o.HouseNumberSource },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void An_invalid_value_fails_with_a_message_naming_its_key(string key, Action<KlarnaOptions> breakIt)
    {
        var options = ShippedOptions();
        breakIt(options);

        var result = new KlarnaOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<KlarnaGatewayOptions>> BrokenGateway => new()
    {
        { "Klarna:Gateway:Timeout", o => o.Timeout = TimeSpan.Zero },
        { "Klarna:Gateway:ReadRetries", o => o.ReadRetries = 11 },
        { "Klarna:Gateway:LiveUrl", o => o.LiveUrl = new Uri("/relative", UriKind.Relative) },
        { "Klarna:Gateway:ProtocolVersion", o => o.ProtocolVersion = "5.0" },
    };

    [Theory]
    [MemberData(nameof(BrokenGateway))]
    public void An_invalid_gateway_value_fails_with_a_message_naming_its_key(string key, Action<KlarnaGatewayOptions> breakIt)
    {
        var options = new KlarnaGatewayOptions();
        breakIt(options);

        var result = new KlarnaGatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Klarna:CancelDelaySeconds", "0")]
    [InlineData("Klarna:Gateway:Timeout", "00:20:00")]
    [InlineData("Klarna:ApplicabilityOnIncompatibleAddresses", "Sometimes")]
    public async Task The_app_does_not_start_with_an_invalid_value_and_names_the_key(string key, string value)
    {
        await using var app = new BackOfficeAppFactory { Settings = { [key] = value } };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    private static KlarnaOptions ShippedOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
            .Build();
        return configuration.GetSection(KlarnaOptions.Section).Get<KlarnaOptions>()!;
    }
}
