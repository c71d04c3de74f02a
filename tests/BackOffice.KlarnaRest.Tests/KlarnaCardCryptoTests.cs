using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.KlarnaRest.Tests;

/// <summary>
/// Merchant Card Service cards: the worked vectors of <c>shared/mcs/vectors</c> (one carries the CTR counter past the low
/// 64 bits), Klarna's settlement example with real ciphertext, the JWK of the enrolled key and the MCS calls on the wire.
/// </summary>
public sealed class KlarnaCardCryptoTests
{
    private static readonly string Vectors = Path.Combine(AppContext.BaseDirectory, "CardVectors");
    private static readonly KlarnaRestCredentials Merchant = new(new Uri("https://api.playground.klarna.com/"), "PK_user", "secret");

    private static RSA PrivateKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(Vectors, "private_key.pem")));
        return rsa;
    }

    private static JsonNode Vector(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Vectors, "vectors.json")))!["vectors"]!.AsArray().Single(v => (string?)v!["name"] == name)!;

    [Theory]
    [InlineData("basic")]
    [InlineData("counter-carry")]
    public void Each_vector_decrypts_to_its_card(string name)
    {
        var vector = Vector(name);
        var card = new KlarnaVirtualCard { CardId = name, AesKey = (string)vector["aes_key"]!, Iv = (string)vector["iv"]!, PciData = (string)vector["pci_data"]! };
        using var key = PrivateKey();

        using var data = KlarnaCardCrypto.Decrypt(card, key);

        var expected = vector["decrypted"]!;
        Assert.Equal((string)expected["pan"]!, Encoding.ASCII.GetString(data.Pan.Span));
        Assert.Equal((string)expected["cvv"]!, Encoding.ASCII.GetString(data.Cvv.Span));
        Assert.Equal((string)expected["expiry_date"]!, $"{data.ExpiryMonth:00}/{data.ExpiryYear % 100:00}");
        Assert.Equal(((string)expected["pan"]!)[^4..], data.LastFour);
    }

    [Fact]
    public void The_counter_is_one_128_bit_number_so_the_carry_reaches_the_high_half()
    {
        var vector = Vector("counter-carry")["debug_only"]!;
        var key = Convert.FromHexString((string)vector["aes_key_plain_hex"]!);
        var iv = Convert.FromHexString((string)vector["iv_hex"]!);
        var cipher = Convert.FromHexString((string)vector["pci_data_hex"]!);
        Assert.True(cipher.Length > 32, "the vector spans the block where the low half wraps");
        var plain = new byte[cipher.Length];

        KlarnaCardCrypto.AesCtr(key, iv, cipher, plain);

        Assert.Equal((string)Vector("counter-carry")["decrypted_utf8"]!, Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public void Klarnas_settlement_example_reads_and_its_card_decrypts_with_the_enrolled_key()
    {
        var settlement = JsonSerializer.Deserialize<KlarnaCardSettlement>(File.ReadAllText(Path.Combine(Vectors, "settlement_response.json")), KlarnaJson.Options)!;
        var card = Assert.Single(settlement.Cards);
        Assert.Equal(("b0ec0bbd-534c-4b1c-b28a-628bf33c3324", "f3392f8b-6116-4073-ab96-e330819e2c07"), (settlement.SettlementId, settlement.OrderId));
        Assert.Equal(("b846430c-3656-43a1-812e-2ccff4531b7d", 10000L, "USD", "VISA", "Jane Doe"), (card.CardId, card.Amount, card.Currency, card.Brand, card.Holder));
        Assert.Equal(new DateTimeOffset(2018, 12, 4, 10, 26, 6, TimeSpan.Zero), settlement.ExpiresAt);
        using var key = PrivateKey();

        using var data = KlarnaCardCrypto.Decrypt(card, key);

        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Vectors, "decrypted_card.json")))!;
        Assert.Equal(((string)expected["pan"]!, (string)expected["cvv"]!, 12, 2029),
            (Encoding.ASCII.GetString(data.Pan.Span), Encoding.ASCII.GetString(data.Cvv.Span), data.ExpiryMonth, data.ExpiryYear));
    }

    [Fact]
    public void What_is_encrypted_for_the_public_jwk_opens_with_the_private_key_and_every_card_gets_its_own_key_and_counter()
    {
        using var publicKey = KlarnaJwk.Read(File.ReadAllText(Path.Combine(Vectors, "public_key.jwk.json")), out var error);
        Assert.Null(error);
        var json = """{"pan":"4571000000000008","expiry_date":"07/31","cvv":"0421","extra":{"ignored":[1,2]}}"""u8.ToArray();

        var first = KlarnaCardCrypto.Encrypt(json, publicKey!);
        var second = KlarnaCardCrypto.Encrypt(json, publicKey!);

        Assert.NotEqual(first.AesKey, second.AesKey);
        Assert.NotEqual(first.Iv, second.Iv);
        Assert.NotEqual(first.PciData, second.PciData);
        Assert.Equal(json.Length, Convert.FromBase64String(first.PciData).Length);
        using var key = PrivateKey();
        using var data = KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "c", AesKey = second.AesKey, Iv = second.Iv, PciData = second.PciData }, key);
        Assert.Equal(("4571000000000008", "0421", 7, 2031, "0008"), (Encoding.ASCII.GetString(data.Pan.Span), Encoding.ASCII.GetString(data.Cvv.Span), data.ExpiryMonth, data.ExpiryYear, data.LastFour));
    }

    [Fact]
    public void An_iv_in_hex_is_taken_as_well()
    {
        var vector = Vector("basic");
        var hex = Convert.ToHexString(Convert.FromBase64String((string)vector["iv"]!));
        using var key = PrivateKey();

        using var data = KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "c", AesKey = (string)vector["aes_key"]!, Iv = hex, PciData = (string)vector["pci_data"]! }, key);

        Assert.Equal("1111", data.LastFour);
    }

    [Fact]
    public void Disposing_the_card_clears_its_number_and_security_code()
    {
        var vector = Vector("basic");
        using var key = PrivateKey();
        var data = KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "c", AesKey = (string)vector["aes_key"]!, Iv = (string)vector["iv"]!, PciData = (string)vector["pci_data"]! }, key);
        var pan = data.Pan;
        var cvv = data.Cvv;
        Assert.Contains(pan.ToArray(), b => b != 0);

        data.Dispose();

        Assert.All(pan.ToArray(), b => Assert.Equal(0, b));
        Assert.All(cvv.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_card_for_another_key_is_refused_without_its_data_in_the_message()
    {
        using var publicKey = KlarnaJwk.Read(File.ReadAllText(Path.Combine(Vectors, "public_key.jwk.json")), out _);
        var (aesKey, iv, pciData) = KlarnaCardCrypto.Encrypt("""{"pan":"4571000000000008","expiry_date":"07/31","cvv":"042"}"""u8, publicKey!);
        using var otherKey = RSA.Create(2048);

        var refused = Assert.Throws<KlarnaCardDataException>(() => KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "card-9", AesKey = aesKey, Iv = iv, PciData = pciData }, otherKey));

        Assert.Contains("card-9", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4571", refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.InnerException);
    }

    [Theory]
    [InlineData("""{"pan":"4571-0000","expiry_date":"07/31","cvv":"042"}""")]
    [InlineData("""{"pan":"4571000000000008","expiry_date":"13/31","cvv":"042"}""")]
    [InlineData("""{"pan":"4571000000000008","expiry_date":"07/31"}""")]
    [InlineData("""not json 4571000000000008""")]
    public void Card_data_that_is_not_a_card_is_refused_without_the_data_in_the_message(string json)
    {
        using var key = PrivateKey();
        using var publicKey = KlarnaJwk.Read(KlarnaJwk.Of(key), out _);
        var (aesKey, iv, pciData) = KlarnaCardCrypto.Encrypt(Encoding.UTF8.GetBytes(json), publicKey!);

        var refused = Assert.Throws<KlarnaCardDataException>(() => KlarnaCardCrypto.Decrypt(new KlarnaVirtualCard { CardId = "c", AesKey = aesKey, Iv = iv, PciData = pciData }, key));

        Assert.DoesNotContain("4571", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_key_is_shown_as_the_jwk_klarna_enrols()
    {
        using var key = PrivateKey();

        var jwk = JsonNode.Parse(KlarnaJwk.Of(key))!;

        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Vectors, "public_key.jwk.json")))!;
        Assert.Equal(("RSA", (string)expected["n"]!, "AQAB"), ((string)jwk["kty"]!, (string)jwk["n"]!, (string)jwk["e"]!));
        Assert.Equal(3, jwk.AsObject().Count);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}""", "kty")]
    [InlineData("""{"kty":"RSA","e":"AQAB"}""", "kty")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""", "2048")]
    [InlineData("""{"kty":"RSA",""", "cannot be read")]
    public void A_jwk_that_is_not_an_rsa_key_of_2048_bits_is_refused(string jwk, string reason)
    {
        Assert.Null(KlarnaJwk.Read(jwk, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_settlement_is_asked_for_with_the_order_and_key_and_read_back_with_the_KeyId_header()
    {
        var handler = new ScriptedHandler();
        var client = new KlarnaRestClient(new HttpClient(handler), new FakeTimeProvider());
        var response = File.ReadAllText(Path.Combine(Vectors, "settlement_response.json"));
        handler.Answer(HttpStatusCode.Created, response).Answer(HttpStatusCode.OK, response);

        var created = await client.CreateCardSettlementAsync(Merchant, new KlarnaCardSettlementRequest("f3392f8b-6116-4073-ab96-e330819e2c07", "16e4b85e-899b-4427-a39f-07a496e9515b"));
        var read = await client.GetCardSettlementByOrderAsync(Merchant, "f3392f8b-6116-4073-ab96-e330819e2c07", "16e4b85e-899b-4427-a39f-07a496e9515b");

        Assert.Equal(created.SettlementId, read.SettlementId);
        var (post, get) = (handler.Sent[0], handler.Sent[1]);
        Assert.Equal((HttpMethod.Post, "https://api.playground.klarna.com/merchantcard/v3/settlements", null), (post.Method, post.Uri.ToString(), post.KeyId));
        Assert.Equal("""{"order_id":"f3392f8b-6116-4073-ab96-e330819e2c07","key_id":"16e4b85e-899b-4427-a39f-07a496e9515b"}""", post.Body);
        Assert.Equal((HttpMethod.Get, "https://api.playground.klarna.com/merchantcard/v3/settlements/order/f3392f8b-6116-4073-ab96-e330819e2c07", "16e4b85e-899b-4427-a39f-07a496e9515b"),
            (get.Method, get.Uri.ToString(), get.KeyId));
    }

    [Fact]
    public async Task A_settlement_whose_answer_is_lost_has_an_unknown_outcome_and_a_lost_read_is_only_unavailable()
    {
        var handler = new ScriptedHandler().Throw(new TaskCanceledException("The request timed out.")).Throw(new TaskCanceledException("The request timed out."));
        var client = new KlarnaRestClient(new HttpClient(handler), new FakeTimeProvider());

        await Assert.ThrowsAsync<KlarnaRestOutcomeUnknownException>(() => client.CreateCardSettlementAsync(Merchant, new KlarnaCardSettlementRequest("o", "k")));
        await Assert.ThrowsAsync<KlarnaRestUnavailableException>(() => client.GetCardSettlementAsync(Merchant, "s", "k"));
    }

    [Fact]
    public async Task A_cancel_request_answers_where_it_stands_and_none_asked_for_reads_as_no_request_found()
    {
        var handler = new ScriptedHandler()
            .Answer(HttpStatusCode.Accepted, """{"status":"PENDING","check_after":"2018-12-04T10:26:06.000Z"}""")
            .Answer(HttpStatusCode.OK, """{"status":"REJECTED","reason_code":"CARD_IN_USE","reason_message":"Cancellation request was rejected because the virtual credit card linked to this order is in use."}""")
            .Answer(HttpStatusCode.BadRequest, """{"status":"NO_REQUEST_FOUND","reason_code":"NO_REQUEST_FOUND","reason_message":"No cancellation request found for this order."}""");
        var client = new KlarnaRestClient(new HttpClient(handler), new FakeTimeProvider());

        var asked = await client.RequestCardOrderCancelAsync(Merchant, "o-1");
        var decided = await client.GetCardOrderCancelAsync(Merchant, "o-1");
        var none = await client.GetCardOrderCancelAsync(Merchant, "o-2");

        Assert.Equal((KlarnaCardCancelStatus.Pending, new DateTimeOffset(2018, 12, 4, 10, 26, 6, TimeSpan.Zero)), (asked.Status, asked.CheckAfter));
        Assert.Equal((KlarnaCardCancelStatus.Rejected, "CARD_IN_USE"), (decided.Status, decided.ReasonCode));
        Assert.Equal(KlarnaCardCancelStatus.NoRequestFound, none.Status);
        Assert.Equal("https://api.playground.klarna.com/merchantcard/v3/orders/o-1/cancel-request", handler.Sent[0].Uri.ToString());
        Assert.Equal((HttpMethod.Post, HttpMethod.Get), (handler.Sent[0].Method, handler.Sent[1].Method));
    }
}
