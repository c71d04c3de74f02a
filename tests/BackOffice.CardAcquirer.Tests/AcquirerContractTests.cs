using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BackOffice.CardAcquirer.Sandbox;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.CardAcquirer.Tests;

/// <summary>
/// The acquirer port's adapter against the card acquirer sandbox over real HTTP, with the Klarna REST sandbox beside it
/// as the issuer of virtual cards: money moves only within what is left, a lost answer is found by reference and
/// never charged twice, declines are answers.
/// </summary>
public sealed class AcquirerContractTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private WebApplication app = null!;
    private Uri root = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CardAcquirerSandbox:ControlApi"] = "true",
            ["CardAcquirerSandbox:Merchants:0:MerchantAccount"] = "ShopAccount",
            ["CardAcquirerSandbox:Merchants:0:ApiKey"] = "sk_test_shop",
            ["CardAcquirerSandbox:Merchants:1:MerchantAccount"] = "OtherAccount",
            ["CardAcquirerSandbox:Merchants:1:ApiKey"] = "sk_test_other",
            ["KlarnaRestSandbox:ControlApi"] = "true",
            ["KlarnaRestSandbox:Merchants:0:MerchantId"] = "PN_SHOP",
            ["KlarnaRestSandbox:Merchants:0:Username"] = "PK_shop",
            ["KlarnaRestSandbox:Merchants:0:Password"] = "shop-secret",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddCardAcquirerSandbox();
        builder.Services.AddKlarnaRestSandbox();
        app = builder.Build();
        app.MapCardAcquirerSandbox("/sandbox/acquirer");
        app.MapKlarnaRestSandbox("/sandbox/klarna-api");
        await app.StartAsync();
        root = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/sandbox/");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private SandboxCardAcquirer Acquirer(string apiKey = "sk_test_shop") =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, new Uri(root, "acquirer/"), apiKey);

    private CardAcquirerSandbox Sandbox => app.Services.GetRequiredService<CardAcquirerSandbox>();

    private static CardToCharge Card(string number, string cvc = "123", int month = 12, int year = 2029) =>
        new(Encoding.ASCII.GetBytes(number), Encoding.ASCII.GetBytes(cvc), month, year, "Jane Doe");

    [Fact]
    public async Task A_payment_is_authorized_captured_in_parts_and_refunded_within_what_is_left()
    {
        var acquirer = Acquirer();

        var authorized = await acquirer.AuthorizeAsync(new AcquirerCharge("order-1/seller-a", 5000, "EUR"), Card("4111111111111111"), "auth-1");
        var captured = await acquirer.CaptureAsync(authorized.PaymentId, 3000, "cap-1");
        captured = await acquirer.CaptureAsync(authorized.PaymentId, 2000, "cap-2");
        var tooMuch = await Assert.ThrowsAsync<AcquirerRefusedException>(() => acquirer.CaptureAsync(authorized.PaymentId, 1, "cap-3"));
        var refunded = await acquirer.RefundAsync(authorized.PaymentId, 1500, "ref-1");
        var overRefund = await Assert.ThrowsAsync<AcquirerRefusedException>(() => acquirer.RefundAsync(authorized.PaymentId, 3501, "ref-2"));
        var voidAfterCapture = await Assert.ThrowsAsync<AcquirerRefusedException>(() => acquirer.VoidAsync(authorized.PaymentId, "void-1"));

        Assert.Equal((AcquirerPaymentStatus.Authorized, 5000L, "VISA", "1111", 12, 2029), (authorized.Status, authorized.AuthorizedAmount, authorized.CardBrand, authorized.LastFour, authorized.ExpiryMonth, authorized.ExpiryYear));
        Assert.Equal((AcquirerPaymentStatus.Captured, 5000L), (captured.Status, captured.CapturedAmount));
        Assert.Equal((AcquirerPaymentStatus.Captured, 1500L), (refunded.Status, refunded.RefundedAmount));
        Assert.Equal((422, "amount_too_large", 422, "invalid_state"), (tooMuch.Status, tooMuch.Code, voidAfterCapture.Status, voidAfterCapture.Code));
        Assert.Equal(422, overRefund.Status);
        var read = await acquirer.GetAsync(authorized.PaymentId);
        Assert.Equal((5000L, 1500L), (read.CapturedAmount, read.RefundedAmount));
    }

    [Fact]
    public async Task A_decline_is_an_answer_with_its_code_and_moves_no_money()
    {
        var acquirer = Acquirer();
        using (var decline = await new HttpClient().PostAsJsonAsync(new Uri(root, "acquirer/_sandbox/declines"), new { code = "do_not_honor" }))
            decline.EnsureSuccessStatusCode();

        var forced = await acquirer.AuthorizeAsync(new AcquirerCharge("r-1", 100, "EUR"), Card("4111111111111111"), "k-1");
        var badNumber = await acquirer.AuthorizeAsync(new AcquirerCharge("r-2", 100, "EUR"), Card("4111111111111112"), "k-2");
        var expired = await acquirer.AuthorizeAsync(new AcquirerCharge("r-3", 100, "EUR"), Card("4111111111111111", month: 11, year: 2026), "k-3");
        var capture = await Assert.ThrowsAsync<AcquirerRefusedException>(() => acquirer.CaptureAsync(forced.PaymentId, 100, "k-4"));

        Assert.Equal([("do_not_honor", 0L), ("invalid_number", 0L), ("expired_card", 0L)],
            new[] { forced, badNumber, expired }.Select(p => (p.DeclineCode!, p.AuthorizedAmount)));
        Assert.All(new[] { forced, badNumber, expired }, p => Assert.Equal(AcquirerPaymentStatus.Declined, p.Status));
        Assert.Equal("invalid_state", capture.Code);
    }

    [Fact]
    public async Task An_authorization_whose_answer_was_lost_is_found_by_reference_and_its_key_never_charges_twice()
    {
        // The line drops once the authorization is carried out: the answer is lost at once, without waiting for a timeout.
        Sandbox.Traffic.Inject(new SandboxInjection("authorize", SandboxFailure.Drop, AfterExecution: true));

        await Assert.ThrowsAsync<AcquirerOutcomeUnknownException>(() =>
            Acquirer().AuthorizeAsync(new AcquirerCharge("order-9/seller-a", 2500, "EUR"), Card("4111111111111111"), "lost-key"));
        var found = await Acquirer().FindAsync("order-9/seller-a");
        var repeat = await Acquirer().AuthorizeAsync(new AcquirerCharge("order-9/seller-a", 2500, "EUR"), Card("4111111111111111"), "lost-key");

        Assert.NotNull(found);
        Assert.Equal((AcquirerPaymentStatus.Authorized, 2500L), (found.Status, found.AuthorizedAmount));
        Assert.Equal(found.PaymentId, repeat.PaymentId);
        Assert.Single(Sandbox.Payments);
        Assert.Null(await Acquirer().FindAsync("order-9/seller-b"));
    }

    [Fact]
    public async Task Another_merchants_payment_and_a_wrong_key_are_refused()
    {
        var payment = await Acquirer().AuthorizeAsync(new AcquirerCharge("r", 100, "EUR"), Card("4111111111111111"), "k");

        var other = await Assert.ThrowsAsync<AcquirerRefusedException>(() => Acquirer("sk_test_other").CaptureAsync(payment.PaymentId, 100, "k2"));
        var wrong = await Assert.ThrowsAsync<AcquirerRefusedException>(() => Acquirer("sk_guess").GetAsync(payment.PaymentId));

        Assert.Equal((404, 401), (other.Status, wrong.Status));
        Assert.Null(await Acquirer("sk_test_other").FindAsync("r"));
    }

    [Fact]
    public async Task A_klarna_virtual_card_takes_charges_up_to_its_amount_with_its_own_code_and_a_void_frees_it_again()
    {
        var card = await IssueVirtualCardAsync(5990);
        var acquirer = Acquirer();
        var charge = Card(card.Pan, card.Cvv, int.Parse(card.ExpiryDate[..2]), 2000 + int.Parse(card.ExpiryDate[3..]));

        var wrongCode = await acquirer.AuthorizeAsync(new AcquirerCharge("vc-1", 5990, "EUR"), Card(card.Pan, card.Cvv == "999" ? "998" : "999", charge.ExpiryMonth, charge.ExpiryYear), "a-1");
        var otherCurrency = await acquirer.AuthorizeAsync(new AcquirerCharge("vc-2", 5990, "SEK"), charge, "a-2");
        var first = await acquirer.AuthorizeAsync(new AcquirerCharge("vc-3", 5000, "EUR"), charge, "a-3");
        var beyond = await acquirer.AuthorizeAsync(new AcquirerCharge("vc-4", 991, "EUR"), charge, "a-4");
        await acquirer.VoidAsync(first.PaymentId, "v-3");
        var again = await acquirer.AuthorizeAsync(new AcquirerCharge("vc-5", 5990, "EUR"), charge, "a-5");

        Assert.Equal(["incorrect_cvc", "currency_not_supported", null, "insufficient_funds", null], new[] { wrongCode, otherCurrency, first, beyond, again }.Select(p => p.DeclineCode));
        Assert.Equal((AcquirerPaymentStatus.Authorized, 5990L, card.Pan[^4..]), (again.Status, again.AuthorizedAmount, again.LastFour));
    }

    /// <summary>A captured Klarna REST order settled with one card for the whole order, the card as its issuer knows it.</summary>
    private async Task<SandboxCard> IssueVirtualCardAsync(long amount)
    {
        var klarna = new KlarnaRestCredentials(new Uri(root, "klarna-api/"), "PK_shop", "shop-secret");
        var client = new KlarnaRestClient(new HttpClient(), TimeProvider.System);
        var line = new KlarnaOrderLine("Shirt", 1, amount, amount, Reference: "A1", TaxRate: 0, TotalTaxAmount: 0);
        var purchase = new KlarnaPurchase { PurchaseCountry = "DE", PurchaseCurrency = "EUR", OrderAmount = amount, OrderTaxAmount = 0, OrderLines = [line] };
        var session = await client.CreateSessionAsync(klarna, purchase);
        var sandbox = app.Services.GetRequiredService<KlarnaRestSandbox>();
        var token = ((KlarnaRestSandbox.AuthorizeAnswer)sandbox.Authorize(session.SessionId, "approved").Body!).AuthorizationToken!;
        var order = await client.PlaceOrderAsync(klarna, token, purchase);
        await client.CaptureAsync(klarna, order.OrderId, new KlarnaCaptureRequest(amount), "capture");
        using var key = RSA.Create(2048);
        var keyId = app.Services.GetRequiredService<SandboxCardIssuer>().Enrol(KlarnaJwk.Of(key), out _)!;
        await client.CreateCardSettlementAsync(klarna, new KlarnaCardSettlementRequest(order.OrderId, keyId));
        return Assert.Single(app.Services.GetRequiredService<SandboxCardIssuer>().Cards);
    }
}
