using System.Text.Json;

namespace BackOffice.ECommPay.Tests;

public sealed class ECommPaySignatureTests
{
    [Theory]
    [MemberData(nameof(PublishedVectors.All), MemberType = typeof(PublishedVectors))]
    public void Signs_every_published_vector_as_ecommpay_did(string name, string secretKey, string message, string signature)
    {
        Assert.Equal(signature, ECommPaySignature.Sign(Parse(message), secretKey));
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Flattens_as_the_digest_shows_with_numbers_raw_arrays_numbered_and_ordinal_order()
    {
        Assert.Equal(
            "customer:ip_address:1.2.3.4;general:payment_id:refund_02;general:project_id:239;payment:amount:10000;payment:currency:EUR;payment:description:refund_02;payment:merchant_refund_id:rf-0001",
            ECommPaySignature.ParamsToSign(Parse("""{"general":{"project_id":239,"payment_id":"refund_02","signature":"x"},"customer":{"ip_address":"1.2.3.4"},"payment":{"amount":10000,"currency":"EUR","description":"refund_02","merchant_refund_id":"rf-0001"}}""")));
        Assert.Contains("errors:0:code:3283;errors:0:message:Refund amount more than init amount;operation:code:3283", ECommPaySignature.ParamsToSign(Parse(PublishedVectors.DigestC)), StringComparison.Ordinal);
        Assert.Contains("operation:id:14153000003282;", ECommPaySignature.ParamsToSign(Parse(PublishedVectors.DigestC)), StringComparison.Ordinal);
        // Ordinal: "AuthCode" sorts before every lower-case key, which a culture-aware sort would not do.
        Assert.Equal("AuthCode:1;account:2", ECommPaySignature.ParamsToSign(Parse("""{"account":"2","AuthCode":"1"}""")));
        Assert.Equal("a::b:c:;d:0", ECommPaySignature.ParamsToSign(Parse("""{"a:b":{"c":null},"d":false,"e":[],"f":{}}""")));
    }

    [Fact]
    public void Verifies_a_callback_with_its_signature_at_the_top_and_a_request_with_it_in_general_and_nothing_changed()
    {
        var callback = """{"payment":{"id":"test-payment","status":"success"},"signature":"UGzKT0NC26f4u0niyJSQPx5q3kFFIndwLXeJVXahfCFwbY+Svg1WoXIxzrIyyjWUSLFhT8wAQ5SfBDRHnwm6Yg=="}""";
        var request = """{"general":{"project_id":"[2] projectId","signature":"R5wq+3/y4lG9ty5sHR6MuscWBRg/bzAo9dxlMkVOUhQ+KpS7FwHMx+5saiLQnn90Rl7rhp1U37dgThSorpn1Ew=="},"request":{"action":"[36] action","errors":"[38] errors","id":"[3] requestId","status":"[37] status"},"customer":{"id":"[18] userLogin"},"token_status":"[71] status","token_created_at":"[70] created_at","token":"[68] tokenString"}""";

        Assert.True(ECommPaySignature.Verify(Parse(callback), "qwerty"));
        Assert.True(ECommPaySignature.Verify(Parse(request), "123"));
        Assert.False(ECommPaySignature.Verify(Parse(callback), "qwertz"));
        Assert.False(ECommPaySignature.Verify(Parse(callback.Replace("success", "decline", StringComparison.Ordinal)), "qwerty"));
        Assert.False(ECommPaySignature.Verify(Parse("""{"payment":{"id":"test-payment","status":"success"}}"""), "qwerty"));
        Assert.False(ECommPaySignature.Verify(Parse("""{"payment":{"id":"test-payment"},"signature":"UGzKT0NC26f4u0niyJSQPx5q3kFFIndwLXeJVXahfCFwbYg34h32gh3"}"""), "qwerty"));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
