using System.Net;
using System.Text;
using System.Text.Json;

namespace BackOffice.ECommPay.Tests;

public sealed class ECommPayClientTests
{
    private static readonly ECommPayProject Project = new(new Uri("https://gate.test/"), 239, "secret");

    [Fact]
    public async Task A_part_refund_is_signed_in_general_with_our_refund_id_and_the_operators_ip_and_answers_ecommpays_request_id()
    {
        var gate = new Gate(HttpStatusCode.OK, """{"status":"success","request_id":"r-1","project_id":239,"payment_id":"refund_02"}""");

        var accepted = await new ECommPayClient(gate.Client).RefundAsync(Project, new ECommPayRefund("refund_02", "rf-0001", "refund_02", "1.2.3.4", 10000, "eur"));

        Assert.Equal(new ECommPayRefundAccepted("r-1", "refund_02"), accepted);
        var (uri, body) = Assert.Single(gate.Sent);
        Assert.Equal("https://gate.test/v2/payment/online-banking/sofort/refund", uri.ToString());
        var sent = JsonDocument.Parse(body).RootElement;
        Assert.Equal("uaLqTmpT+pTjpmDUX83i+VjJUUazIIIkMLFq6QqoTkQzKMWpFOGspS2myIU8/kgqVj1nOEolMBXQucXX67xJpw==", sent.GetProperty("general").GetProperty("signature").GetString());
        Assert.True(ECommPaySignature.Verify(sent, "secret"));
    }

    [Fact]
    public async Task A_whole_refund_sends_no_amount_and_a_refusal_is_told_with_its_code_and_class()
    {
        var gate = new Gate(HttpStatusCode.BadRequest, """{"status":"error","code":"3230","message":"Refund with this merchant_refund_id already exists"}""");

        var refused = await Assert.ThrowsAsync<ECommPayRefusedException>(() => new ECommPayClient(gate.Client).RefundAsync(Project, new ECommPayRefund("p-1", "rf-1", "whole", "10.0.0.1")));

        Assert.Equal(("3230", ECommPayOutcome.Duplicate), (refused.Code, refused.Outcome));
        var payment = JsonDocument.Parse(gate.Sent[0].Body).RootElement.GetProperty("payment");
        Assert.False(payment.TryGetProperty("amount", out _));
        Assert.False(payment.TryGetProperty("currency", out _));
    }

    [Fact]
    public async Task A_refund_that_timed_out_or_met_a_server_error_is_unknown_and_one_never_sent_is_unavailable()
    {
        var refund = new ECommPayRefund("p-1", "rf-1", "part", "10.0.0.1", 100, "EUR");

        await Assert.ThrowsAsync<ECommPayOutcomeUnknownException>(() => new ECommPayClient(new Gate(new TaskCanceledException("timeout")).Client).RefundAsync(Project, refund));
        await Assert.ThrowsAsync<ECommPayOutcomeUnknownException>(() => new ECommPayClient(new Gate(HttpStatusCode.BadGateway, "<html>bad gateway</html>").Client).RefundAsync(Project, refund));
        await Assert.ThrowsAsync<ECommPayOutcomeUnknownException>(() => new ECommPayClient(new Gate(HttpStatusCode.OK, """{"status":"success"}""").Client).RefundAsync(Project, refund));
        await Assert.ThrowsAsync<ECommPayUnavailableException>(() => new ECommPayClient(new Gate(new HttpRequestException(HttpRequestError.ConnectionError, "refused")).Client).RefundAsync(Project, refund));
    }

    [Theory]
    [InlineData("", "A refund names the purchase's payment_id.")]
    [InlineData("semi;colon", "A refund's description cannot contain ';'.")]
    [InlineData("zero", "A part refund is at least 1 minor unit.")]
    public async Task A_refund_that_cannot_be_signed_as_asked_is_refused_before_anything_is_sent(string what, string why)
    {
        var gate = new Gate(HttpStatusCode.OK, "{}");
        var refund = what switch
        {
            "" => new ECommPayRefund("", "rf", "d", "1.1.1.1"),
            "zero" => new ECommPayRefund("p", "rf", "d", "1.1.1.1", 0, "EUR"),
            _ => new ECommPayRefund("p", "rf", what, "1.1.1.1"),
        };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => new ECommPayClient(gate.Client).RefundAsync(Project, refund));

        Assert.StartsWith(why, refused.Message, StringComparison.Ordinal);
        Assert.Empty(gate.Sent);
    }

    [Fact]
    public async Task A_status_answer_is_believed_only_with_its_signature_and_finds_our_refund_among_the_operations()
    {
        const string unsigned = """{"project_id":239,"payment":{"id":"p-1","status":"partially refunded","method":"sofort","sum":{"amount":10000,"currency":"EUR"}},"operations":[{"id":14153000003281,"type":"sale","status":"success","request_id":"s-1","sum_initial":{"amount":10000,"currency":"EUR"},"code":"0","date":"2019-02-19T14:25:24+0000"},{"id":14153000003282,"type":"refund","status":"success","request_id":"r-1","merchant_refund_id":"rf-1","sum_initial":{"amount":2500,"currency":"EUR"},"code":"0"}]}""";
        var signed = unsigned[..^1] + $",\"signature\":\"{ECommPaySignature.Sign(JsonDocument.Parse(unsigned).RootElement, "secret")}\"}}";

        var payment = await new ECommPayClient(new Gate(HttpStatusCode.OK, signed).Client).StatusAsync(Project, "p-1");
        var forged = await Assert.ThrowsAsync<ECommPayUnavailableException>(() => new ECommPayClient(new Gate(HttpStatusCode.OK, signed.Replace("2500", "9999", StringComparison.Ordinal)).Client).StatusAsync(Project, "p-1"));

        Assert.Equal(("p-1", "partially refunded", 10000L), (payment.Id, payment.Status, payment.Sum!.Amount));
        var refund = payment.Refund("rf-1")!;
        Assert.Equal((14153000003282L, "r-1", 2500L), (refund.Id, refund.RequestId, refund.SumInitial!.Amount));
        Assert.Null(payment.Refund("rf-2"));
        Assert.Equal(new DateTimeOffset(2019, 2, 19, 14, 25, 24, TimeSpan.Zero), payment.Operations[0].Date);
        Assert.Contains("signature", forged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_payment_page_address_is_signed_over_its_query_as_the_digests_example_a()
    {
        var url = ECommPayClient.PaymentPageUrl(ECommPayProject.PaymentPage, Project,
            new ECommPayPurchase("X03936", 10000, "EUR", "customer123", LanguageCode: "de", CustomerEmail: "johnson@mail.com", CustomerFirstName: "John", CustomerLastName: "Johnson", CustomerCountry: "DE"));

        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("https://paymentpage.ecommpay.com/payment", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("dku2w6MC98G15w0PfFQ/qHAcfJtRNODtbHlGfwcEoYxZiTds/C/BssW/QcGFhg/RLE5uaVHqCVT3WiSe06W+HQ==", query["signature"]);
        Assert.Equal(("sofort", "239"), (query["force_payment_method"], query["project_id"]));
    }

    /// <summary>ECommPay's Gate as one scripted answer (or failure), keeping what was sent.</summary>
    private sealed class Gate : HttpMessageHandler
    {
        private readonly Func<HttpResponseMessage> answer;

        public Gate(HttpStatusCode status, string body) => answer = () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        public Gate(Exception failure) => answer = () => throw failure;

        public List<(Uri Uri, string Body)> Sent { get; } = [];

        public HttpClient Client => new(this);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add((request.RequestUri!, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return answer();
        }
    }
}
