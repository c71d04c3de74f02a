using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;

namespace BackOffice.KlarnaRest.Tests;

/// <summary>The Merchant Card Service: keys enrolled, cards issued for an order and encrypted for the key named, cancel requests.</summary>
public sealed partial class SandboxContractTests
{
    private async Task<string> EnrolAsync(RSA key)
    {
        using var response = await Control.PostAsync("card-keys", new StringContent(KlarnaJwk.Of(key), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EnrolledKey>(KlarnaJson.Options))!.KeyId;
    }

    private async Task<IReadOnlyList<SandboxCard>> IssuedAsync() => (await Control.GetFromJsonAsync<List<SandboxCard>>("cards", KlarnaJson.Options))!;

    private static string Pan(KlarnaVirtualCard card, RSA key)
    {
        using var data = KlarnaCardCrypto.Decrypt(card, key);
        return Encoding.ASCII.GetString(data.Pan.Span);
    }

    [Fact]
    public async Task A_captured_order_is_settled_with_one_card_per_seller_encrypted_for_the_key_named_and_asking_again_issues_nothing_new()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        await client.CaptureAsync(merchant, orderId, new KlarnaCaptureRequest(5990), "capture-all");
        using var key = RSA.Create(2048);
        var keyId = await EnrolAsync(key);

        var promise = await client.CreateCardPromiseAsync(merchant, new KlarnaCardPromiseRequest(orderId, [new(5000, "EUR", "seller-a"), new(990, "EUR", "seller-b")]));
        var settlement = await client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, keyId, promise.PromiseId));

        Assert.Equal(time.GetUtcNow().AddHours(24), promise.ExpiresAt);
        Assert.Equal((orderId, promise.PromiseId), (settlement.OrderId, settlement.PromiseId));
        var issued = await IssuedAsync();
        Assert.Equal(2, issued.Count);
        foreach (var card in settlement.Cards)
        {
            var known = issued.Single(i => i.CardId == card.CardId);
            Assert.Equal((known.Reference, known.Amount, "EUR", "VISA"), (card.Reference, card.Amount, card.Currency, card.Brand));
            Assert.Equal(known.Pan, Pan(card, key));
            Assert.Matches("^4[0-9]{15}$", known.Pan);
            Assert.DoesNotContain(known.Pan, card.PciData + card.AesKey + card.Iv, StringComparison.Ordinal);
        }
        Assert.Equal([5000L, 990L], settlement.Cards.Select(c => c.Amount));

        var again = await client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, keyId, promise.PromiseId));
        var byOrder = await client.GetCardSettlementByOrderAsync(merchant, orderId, keyId);
        var byId = await client.GetCardSettlementAsync(merchant, settlement.SettlementId, keyId);

        Assert.All(new[] { again, byOrder, byId }, s => Assert.Equal(settlement.SettlementId, s.SettlementId));
        Assert.NotEqual(settlement.Cards[0].PciData, byOrder.Cards[0].PciData);
        Assert.Equal(issued.Select(i => i.Pan).Order(), byOrder.Cards.Select(c => Pan(c, key)).Order());
        Assert.Equal(2, (await IssuedAsync()).Count);
    }

    [Fact]
    public async Task A_settlement_whose_answer_was_lost_is_read_back_by_order_and_no_second_card_is_issued()
    {
        var orderId = await PlaceAsync();
        using var key = RSA.Create(2048);
        var keyId = await EnrolAsync(key);
        Sandbox.Traffic.Inject(new SandboxInjection("card-settlement", SandboxFailure.Drop, AfterExecution: true));

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => Client().CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, keyId)));
        var settlement = await Client().GetCardSettlementByOrderAsync(merchant, orderId, keyId);

        var card = Assert.Single(settlement.Cards);
        Assert.Equal((5990L, "EUR"), (card.Amount, card.Currency));
        Assert.Equal(Assert.Single(await IssuedAsync()).Pan, Pan(card, key));
    }

    [Fact]
    public async Task Cards_are_refused_for_an_unknown_key_a_cancelled_order_an_order_too_small_or_a_promise_replaced()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        using var key = RSA.Create(2048);
        var keyId = await EnrolAsync(key);
        var older = await client.CreateCardPromiseAsync(merchant, new KlarnaCardPromiseRequest(orderId, [new(5990, "EUR", "all")]));
        await client.CreateCardPromiseAsync(merchant, new KlarnaCardPromiseRequest(orderId, [new(5990, "EUR", "all-again")]));

        var unknownKey = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, Guid.NewGuid().ToString())));
        var tooMuch = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCardPromiseAsync(merchant, new KlarnaCardPromiseRequest(orderId, [new(5991, "EUR", "all")])));
        var otherCurrency = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCardPromiseAsync(merchant, new KlarnaCardPromiseRequest(orderId, [new(100, "SEK", "all")])));
        var replaced = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, keyId, older.PromiseId)));
        var cancelledId = await PlaceAsync();
        await client.CancelAsync(merchant, cancelledId, "cancel-it");
        var cancelled = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(cancelledId, keyId)));
        var otherMerchant = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() =>
            client.CreateCardSettlementAsync(new KlarnaRestCredentials(baseAddress, "PK_other", "other-secret"), new KlarnaCardSettlementRequest(orderId, keyId)));

        Assert.Equal((403, 400, 400, 400, 400, 400), (unknownKey.Status, tooMuch.Status, otherCurrency.Status, replaced.Status, cancelled.Status, otherMerchant.Status));
        Assert.Contains("promise_id", replaced.Error.Text, StringComparison.Ordinal);
        Assert.Empty(await IssuedAsync());
        await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.GetCardSettlementByOrderAsync(merchant, orderId, keyId));
    }

    [Fact]
    public async Task A_settlement_is_read_only_with_an_enrolled_KeyId()
    {
        var orderId = await PlaceAsync();
        using var key = RSA.Create(2048);
        await Client().CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, await EnrolAsync(key)));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("PK_shop:shop-secret")));

        using var missing = await http.GetAsync(new Uri(baseAddress, $"merchantcard/v3/settlements/order/{orderId}"));
        var unknown = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => Client().GetCardSettlementByOrderAsync(merchant, orderId, "not-enrolled"));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(403, unknown.Status);
    }

    [Fact]
    public async Task A_cancel_request_is_pending_until_klarna_decides_and_needs_a_card_settlement()
    {
        var client = Client();
        var orderId = await PlaceAsync();
        using var key = RSA.Create(2048);

        var withoutCards = await Assert.ThrowsAsync<KlarnaRestRefusedException>(() => client.RequestCardOrderCancelAsync(merchant, orderId));
        await client.CreateCardSettlementAsync(merchant, new KlarnaCardSettlementRequest(orderId, await EnrolAsync(key)));
        var before = await client.GetCardOrderCancelAsync(merchant, orderId);
        var asked = await client.RequestCardOrderCancelAsync(merchant, orderId);
        using (var decided = await Control.PostAsJsonAsync($"card-orders/{orderId}/cancel-decision", new { status = "REJECTED" }))
            decided.EnsureSuccessStatusCode();
        var after = await client.GetCardOrderCancelAsync(merchant, orderId);

        Assert.Equal(404, withoutCards.Status);
        Assert.Equal(KlarnaCardCancelStatus.NoRequestFound, before.Status);
        Assert.Equal((KlarnaCardCancelStatus.Pending, time.GetUtcNow().AddHours(1)), (asked.Status, asked.CheckAfter));
        Assert.Equal((KlarnaCardCancelStatus.Rejected, "CARD_IN_USE"), (after.Status, after.ReasonCode));
    }

    [Fact]
    public async Task A_key_of_fewer_than_2048_bits_is_not_enrolled()
    {
        using var small = RSA.Create(1024);

        using var response = await Control.PostAsync("card-keys", new StringContent(KlarnaJwk.Of(small), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("2048", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed record EnrolledKey(string KeyId);
}
