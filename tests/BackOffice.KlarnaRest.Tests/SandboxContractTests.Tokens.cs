using System.Net.Http.Json;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;

namespace BackOffice.KlarnaRest.Tests;

/// <summary>Customer tokens: made from a tokenizing authorization, charged with orders under an idempotency key, refused by Klarna's codes, cancelled.</summary>
public sealed partial class SandboxContractTests
{
    private static readonly KlarnaSubscription Monthly = new("Premium Monthly", "MONTH", 1);

    private static KlarnaPurchase Subscription(string intent, long amount = 999) => new()
    {
        PurchaseCountry = "SE", PurchaseCurrency = "SEK", Locale = "sv-SE", Intent = intent, OrderAmount = amount, OrderTaxAmount = KlarnaTax.Of(amount, 2500),
        OrderLines = [new KlarnaOrderLine("Premium", 1, amount, amount, Reference: "PREMIUM", Type: "digital", TaxRate: 2500, TotalTaxAmount: KlarnaTax.Of(amount, 2500), Subscription: Monthly)],
    };

    private static KlarnaCustomerTokenRequest TokenRequest(string description = "Premium") =>
        new() { Description = description, Locale = "sv-SE", PurchaseCountry = "SE", PurchaseCurrency = "SEK" };

    private static KlarnaTokenOrderRequest Charge(long amount = 999, string currency = "SEK") => new()
    {
        OrderAmount = amount, OrderTaxAmount = KlarnaTax.Of(amount, 2500), PurchaseCurrency = currency, AutoCapture = true, MerchantReference1 = "SUB-1",
        OrderLines = [new KlarnaOrderLine("Premium", 1, amount, amount, Reference: "PREMIUM", Type: "digital", TaxRate: 2500, TotalTaxAmount: KlarnaTax.Of(amount, 2500), Subscription: Monthly)],
    };

    private static readonly KlarnaAddress Stockholm = new()
    {
        GivenName = "Testperson-se", FamilyName = "Approved", StreetAddress = "Stårgatan 1", PostalCode = "12345", City = "Ankeborg", Country = "SE",
        Email = "customer@email.se", Phone = "+46765260000",
    };

    private async Task<string> ApproveWithAsync(string sessionId, string category = "klarna")
    {
        using var response = await Control.PostAsJsonAsync($"sessions/{sessionId}/authorize", new AuthorizeDetails
        {
            PaymentMethodCategory = category, BillingAddress = Stockholm, Customer = new KlarnaCustomer { DateOfBirth = "1941-03-21", NationalIdentificationNumber = "194103219202" },
        }, KlarnaJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KlarnaRestSandbox.AuthorizeAnswer>(KlarnaJson.Options))!.AuthorizationToken!;
    }

    private async Task<string> TokenAsync(string intent = KlarnaIntent.BuyAndTokenize, string category = "klarna")
    {
        var session = await Client().CreateSessionAsync(merchant, Subscription(intent, intent == KlarnaIntent.Tokenize ? 0 : 999));
        return (await Client().CreateCustomerTokenAsync(merchant, await ApproveWithAsync(session.SessionId, category), TokenRequest())).TokenId;
    }

    private async Task SteerAsync(string tokenId, object steering) =>
        (await Control.PostAsJsonAsync($"tokens/{tokenId}", steering, KlarnaJson.Options)).EnsureSuccessStatusCode();

    [Fact]
    public async Task One_authorization_gives_the_token_and_the_first_order_and_each_charge_is_an_order_with_the_customer_klarna_knows()
    {
        var client = Client();
        var session = await client.CreateSessionAsync(merchant, Subscription(KlarnaIntent.BuyAndTokenize));
        var authorization = await ApproveWithAsync(session.SessionId);

        var token = await client.CreateCustomerTokenAsync(merchant, authorization, TokenRequest());
        var first = await client.PlaceOrderAsync(merchant, authorization, Subscription(KlarnaIntent.BuyAndTokenize) with { AutoCapture = true });
        var charged = await client.CreateTokenOrderAsync(merchant, token.TokenId, Charge(), "sub-1-period-2");

        Assert.Equal(("Approved", "194103219202"), (token.BillingAddress!.FamilyName, token.Customer!.NationalIdentificationNumber));
        Assert.Equal(new KlarnaCustomerToken("INVOICE", KlarnaTokenStatus.Active), await client.GetCustomerTokenAsync(merchant, token.TokenId));
        var firstOrder = await client.GetOrderAsync(merchant, first.OrderId);
        var chargedOrder = await client.GetOrderAsync(merchant, charged.OrderId);
        Assert.Equal((KlarnaOrderStatus.Captured, 999L), (firstOrder.Status, firstOrder.CapturedAmount));
        Assert.Equal((KlarnaOrderStatus.Captured, 999L, "SE", "SUB-1", KlarnaFraudStatus.Accepted), (chargedOrder.Status, chargedOrder.CapturedAmount, chargedOrder.PurchaseCountry, chargedOrder.MerchantReference1, charged.FraudStatus));
        Assert.Equal(("Stårgatan 1", "1941-03-21"), (chargedOrder.BillingAddress!.StreetAddress, chargedOrder.Customer!.DateOfBirth));
        Assert.Equal(Monthly, chargedOrder.OrderLines.Single().Subscription);
    }

    [Fact]
    public async Task A_charge_sent_again_with_its_key_answers_the_first_order_even_when_the_first_answer_was_lost()
    {
        var tokenId = await TokenAsync();
        Sandbox.Traffic.Inject(new SandboxInjection("token-order", SandboxFailure.Drop, AfterExecution: true));

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "sub-1-period-2"));
        var repeat = await Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "sub-1-period-2");
        var next = await Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "sub-1-period-3");

        var charges = Sandbox.Executions.Where(e => e.Operation == "token-order").ToList();
        Assert.Equal(2, charges.Count);
        Assert.Equal(charges[0].OrderId, repeat.OrderId);
        Assert.NotEqual(repeat.OrderId, next.OrderId);
    }

    [Fact]
    public async Task A_failed_payment_method_is_refused_and_answered_again_under_its_key_while_a_new_key_charges()
    {
        var tokenId = await TokenAsync();
        await SteerAsync(tokenId, new { next_charges = new[] { KlarnaTokenErrors.PaymentMethodFailed } });

        var failed = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "period-2-attempt-1"));
        var again = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "period-2-attempt-1"));
        var retried = await Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "period-2-attempt-2");

        Assert.Equal((403, KlarnaTokenErrors.PaymentMethodFailed), (failed.Status, failed.Error.ErrorCode));
        Assert.Equal(KlarnaTokenErrors.PaymentMethodFailed, again.Error.ErrorCode);
        Assert.Equal(retried.OrderId, Assert.Single(Sandbox.Executions, e => e.Operation == "token-order").OrderId);
    }

    [Fact]
    public async Task A_suspended_cancelled_unknown_foreign_or_other_currency_token_is_refused_with_klarnas_codes()
    {
        var tokenId = await TokenAsync();
        var other = new KlarnaRestCredentials(baseAddress, "PK_other", "other-secret");

        var currency = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(currency: "EUR"), "k1"));
        var unknown = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, Guid.NewGuid().ToString(), Charge(), "k2"));
        var foreign = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(other, tokenId, Charge(), "k3"));
        await SteerAsync(tokenId, new { status = "suspended" });
        var suspended = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "k4"));
        Assert.Equal(KlarnaTokenStatus.Suspended, (await Client().GetCustomerTokenAsync(merchant, tokenId)).Status);
        await Client().CancelCustomerTokenAsync(merchant, tokenId);
        var cancelled = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "k5"));

        Assert.Equal((403, KlarnaTokenErrors.CurrencyMismatch), (currency.Status, currency.Error.ErrorCode));
        Assert.Equal((404, KlarnaTokenErrors.TokenNotFound), (unknown.Status, unknown.Error.ErrorCode));
        Assert.Equal((403, KlarnaTokenErrors.TokenForbidden), (foreign.Status, foreign.Error.ErrorCode));
        Assert.Equal((403, KlarnaTokenErrors.TokenSuspended), (suspended.Status, suspended.Error.ErrorCode));
        Assert.True(KlarnaTokenErrors.IsCancelled(cancelled.Error.ErrorCode));
        Assert.Equal(KlarnaTokenStatus.Cancelled, (await Client().GetCustomerTokenAsync(merchant, tokenId)).Status);
        Assert.DoesNotContain(Sandbox.Executions, e => e.Operation == "token-order");
    }

    [Fact]
    public async Task A_trial_tokenizes_nothing_at_direct_debit_and_places_no_order_while_a_buy_session_gets_no_token()
    {
        var client = Client();
        var trial = await client.CreateSessionAsync(merchant, Subscription(KlarnaIntent.Tokenize, amount: 0));
        var authorization = await ApproveWithAsync(trial.SessionId, "direct_debit");
        var token = await client.CreateCustomerTokenAsync(merchant, authorization, TokenRequest());
        var sameAgain = await client.CreateCustomerTokenAsync(merchant, authorization, TokenRequest());
        var otherBody = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCustomerTokenAsync(merchant, authorization, TokenRequest("Other")));
        var noOrder = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.PlaceOrderAsync(merchant, authorization, Subscription(KlarnaIntent.Tokenize, amount: 0)));
        var buy = await client.CreateSessionAsync(merchant, Subscription(KlarnaIntent.Buy));
        var notForBuy = await Assert.ThrowsAsync<KlarnaRestRefusedException>(async () => await client.CreateCustomerTokenAsync(merchant, await ApproveWithAsync(buy.SessionId), TokenRequest()));
        var zeroBuyAndTokenize = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateSessionAsync(merchant, Subscription(KlarnaIntent.BuyAndTokenize, amount: 0)));

        Assert.Equal(token.TokenId, sameAgain.TokenId);
        Assert.Equal("DIRECT_DEBIT", (await client.GetCustomerTokenAsync(merchant, token.TokenId)).PaymentMethodType);
        Assert.NotNull((await client.GetCustomerTokenAsync(merchant, token.TokenId)).DirectDebit);
        Assert.Equal((403, "INVALID_OPERATION", "Authorization token already consumed"), (otherBody.Status, otherBody.Error.ErrorCode, otherBody.Error.Text));
        Assert.Equal((403, "INVALID_OPERATION"), (noOrder.Status, noOrder.Error.ErrorCode));
        Assert.Equal((403, "INVALID_OPERATION", "Not allowed to create customer token for intent buy"), (notForBuy.Status, notForBuy.Error.ErrorCode, notForBuy.Error.Text));
        Assert.Equal((400, "Bad value: order_amount"), (zeroBuyAndTokenize.Status, zeroBuyAndTokenize.Error.Text));
        Assert.Single(Sandbox.Executions, e => e.Operation == "create-customer-token");
        Assert.DoesNotContain(Sandbox.Executions, e => e.Operation == "place-order");
    }

    [Fact]
    public async Task The_control_api_lists_tokens_and_refuses_a_status_or_outcome_klarna_does_not_have()
    {
        var tokenId = await TokenAsync();

        using var badStatus = await Control.PostAsJsonAsync($"tokens/{tokenId}", new { status = "FROZEN" });
        using var badCharge = await Control.PostAsJsonAsync($"tokens/{tokenId}", new { next_charges = new[] { "DECLINED" } });
        using var unknown = await Control.PostAsJsonAsync($"tokens/{Guid.NewGuid()}", new { status = "SUSPENDED" });
        await SteerAsync(tokenId, new { next_charges = new[] { "OK", KlarnaTokenErrors.UnavailablePaymentMethod } });
        var listed = Assert.Single((await Control.GetFromJsonAsync<List<SandboxTokenView>>("tokens", KlarnaJson.Options))!);

        Assert.Equal((400, 400, 404), ((int)badStatus.StatusCode, (int)badCharge.StatusCode, (int)unknown.StatusCode));
        Assert.Equal((tokenId, "PN_SHOP", KlarnaTokenStatus.Active, "SEK"), (listed.TokenId, listed.MerchantId, listed.Status, listed.Currency));
        Assert.Equal(["OK", KlarnaTokenErrors.UnavailablePaymentMethod], listed.NextCharges);
        await Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "first");
        var unavailable = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().CreateTokenOrderAsync(merchant, tokenId, Charge(), "second"));
        Assert.Equal(KlarnaTokenErrors.UnavailablePaymentMethod, unavailable.Error.ErrorCode);
    }
}
