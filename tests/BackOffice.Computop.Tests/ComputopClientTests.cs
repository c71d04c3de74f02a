using System.Net;

namespace BackOffice.Computop.Tests;

/// <summary>
/// The client against a stand-in for Paygate that reads what it is sent: the form, the Data, the MAC; and what a lost
/// or unreadable answer means (unknown for money, unavailable for an inquiry).
/// </summary>
public sealed class ComputopClientTests
{
    private static readonly PaygateCredentials Merchant = new("KP_TestShop", "hmac-key-for-docs-only", "bf-Key-4-docs");
    private const string PayId = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("FAILED", "21000002", "PAYMENT NOT FOUND", true)]
    [InlineData("FAILED", "29990008", "PAYMENT NOT FOUND", true)]
    [InlineData("FAILED", "21000002", "Payment not found ", true)]
    [InlineData("FAILED", "40010002", "PAYMENT NOT FOUND", false)]
    [InlineData("FAILED", "21000002", "Amount too high", false)]
    [InlineData("OK", "00000000", "success", false)]
    public void An_unknown_payment_is_known_by_paygates_documented_words_or_the_sandboxs_code(string status, string code, string description, bool notFound) =>
        Assert.Equal(notFound, new PaygateAnswer(new Dictionary<string, string> { ["Status"] = status, ["Code"] = code, ["Description"] = description }).IsPaymentNotFound);

    [Fact]
    public async Task A_capture_posts_merchant_len_and_data_with_its_mac_and_reads_the_encrypted_answer()
    {
        var paygate = new FakePaygate(fields => $"mid=KP_TestShop&PayID={PayId}&XID=XID-1&TransID={fields["TransID"]}&Status=OK&Code=00000000&InvoiceNr=INV-7&Description=success");
        var client = new ComputopClient(paygate.Client());

        var answer = await client.CaptureAsync(Merchant, new CaptureRequest(PayId, "ORD10042C1", 4990, "EUR", "CAP-ORD10042-1", Complete: true));

        Assert.Equal((PaygateOutcome.Succeeded, "XID-1", "INV-7"), (answer.Outcome, answer.XId, answer.InvoiceNumber));
        var (path, form, fields) = Assert.Single(paygate.Requests);
        Assert.Equal("/capture.aspx", path);
        Assert.Equal("KP_TestShop", form["MerchantID"]);
        Assert.Equal(("KP_TestShop", PayId, "4990", "EUR", "CAP-ORD10042-1", "YES"),
            (fields["MerchantID"], fields["PayID"], fields["Amount"], fields["Currency"], fields["ReqId"], fields["CompleteType"]));
        Assert.Equal(PaygateMac.OfRequest(Merchant.HmacKey, PayId, "ORD10042C1", "KP_TestShop", 4990, "EUR"), fields["MAC"]);
    }

    [Fact]
    public async Task A_refusal_is_an_answer_not_an_exception()
    {
        var paygate = new FakePaygate(_ => $"mid=KP_TestShop&PayID={PayId}&Status=FAILED&Code=29990002&Description=credit exceeds captured amount");
        var client = new ComputopClient(paygate.Client());

        var answer = await client.CreditAsync(Merchant, new CreditRequest(PayId, "ORD10042R1", 9_999, "EUR", "CRE-1"));

        Assert.Equal((PaygateOutcome.Refused, false, "29990002"), (answer.Outcome, answer.IsFatal, answer.Code));
        Assert.Equal("/credit.aspx", paygate.Requests.Single().Path);
    }

    [Fact]
    public async Task An_inquiry_sends_its_mac_without_amount_or_currency_and_reads_the_amounts()
    {
        var paygate = new FakePaygate(_ => $"mid=KP_TestShop&PayID={PayId}&Status=OK&Code=00000000&AmountAuth=4990&AmountCap=2500&AmountCred=1000");
        var client = new ComputopClient(paygate.Client());

        var answer = await client.InquireAsync(Merchant, PayId, "ORD10042");

        Assert.Equal(((long?)4990, (long?)2500, (long?)1000), (answer.AmountAuthorized, answer.AmountCaptured, answer.AmountCredited));
        var fields = paygate.Requests.Single().Fields;
        Assert.Equal(PaygateMac.OfRequest(Merchant.HmacKey, PayId, "ORD10042", "KP_TestShop", null, null), fields["MAC"]);
        Assert.False(fields.ContainsKey("Amount"));
    }

    public static TheoryData<string> LostAnswers => ["timeout", "500", "garbage"];

    [Theory]
    [MemberData(nameof(LostAnswers))]
    public async Task A_money_call_whose_answer_is_lost_is_of_unknown_outcome_and_an_inquiry_only_unavailable(string failure)
    {
        var paygate = new FakePaygate(_ => $"mid=KP_TestShop&Status=OK&Code=00000000") { Failure = failure };
        var client = new ComputopClient(paygate.Client(TimeSpan.FromMilliseconds(200)));

        var unknown = await Assert.ThrowsAsync<ComputopOutcomeUnknownException>(() => client.ReverseAsync(Merchant, new ReverseRequest(PayId, "ORD10042", 1500, "EUR", "REV-1")));
        await Assert.ThrowsAsync<ComputopUnavailableException>(() => client.InquireAsync(Merchant, PayId, "ORD10042"));
        Assert.Equal("reverse", unknown.Operation);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_dressed_up_as_an_unknown_outcome()
    {
        var paygate = new FakePaygate(_ => "") { Failure = "timeout" };
        var client = new ComputopClient(paygate.Client(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CaptureAsync(Merchant, new CaptureRequest(PayId, "T", 1, "EUR", "R"), cancel.Token));
    }

    /// <summary>Decrypts each request with the merchant's password and answers with <c>answer</c>'s fields encrypted.</summary>
    [Fact]
    public async Task An_answer_another_password_encrypted_cannot_be_read_so_a_capture_is_of_unknown_outcome_and_an_inquiry_unavailable()
    {
        var paygate = new FakePaygate(_ => "mid=KP_TestShop&Status=FAILED&Code=40010001&Description=bad data");
        var client = new ComputopClient(paygate.Client());
        var wrongPassword = Merchant with { BlowfishPassword = "another-pass" };

        await Assert.ThrowsAsync<ComputopOutcomeUnknownException>(() => client.CaptureAsync(wrongPassword, new CaptureRequest(PayId, "ORD-1", 100, "EUR", "CAP-1")));
        var inquiry = await Assert.ThrowsAsync<ComputopUnavailableException>(() => client.InquireAsync(wrongPassword, PayId, "ORD-1"));

        Assert.IsType<PaygateMessageException>(inquiry.InnerException);
    }

    [Fact]
    public void An_article_list_is_base64_json_of_klarnas_order_lines_with_the_tax_inside_the_gross_total()
    {
        PaygateOrderLine[] lines = [new("19-402", "Battery Power Pack", 1, 2500, 1900), new("SHIP", "Versand", 2, 495, 700)];

        var encoded = PaygateArticleList.Encode(lines);

        Assert.Equal(lines, PaygateArticleList.Decode(encoded));
        using var json = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(encoded));
        var first = json.RootElement.GetProperty("order_lines")[0];
        Assert.Equal((2500L, 399L, 1900), (first.GetProperty("total_amount").GetInt64(), first.GetProperty("total_tax_amount").GetInt64(), first.GetProperty("tax_rate").GetInt32()));
        Assert.DoesNotContain('&', encoded);
        Assert.Throws<ArgumentException>(() => PaygateArticleList.Encode(Enumerable.Range(0, 40).Select(i => new PaygateOrderLine($"SKU-{i}", "A rather long article name", 1, 100, 1900))));
    }

    private sealed class FakePaygate(Func<IReadOnlyDictionary<string, string>, string> answer) : HttpMessageHandler
    {
        public List<(string Path, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Fields)> Requests { get; } = [];

        public string? Failure { get; init; }

        public HttpClient Client(TimeSpan? timeout = null) =>
            new(this) { BaseAddress = new Uri("https://paygate.test/"), Timeout = timeout ?? TimeSpan.FromSeconds(5) };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = PaygateFields.Read(Uri.UnescapeDataString(await request.Content!.ReadAsStringAsync(cancellationToken)));
            var fields = PaygateMessage.Open(form, Merchant.BlowfishPassword);
            Requests.Add((request.RequestUri!.AbsolutePath, form, fields));
            switch (Failure)
            {
                case "timeout":
                    await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                    break;
                case "500":
                    return new HttpResponseMessage(HttpStatusCode.InternalServerError);
                case "garbage":
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("MerchantID=KP_TestShop&Len=40&Data=NOT-HEX") };
            }
            var (len, data) = PaygateCipher.Encrypt(answer(fields), Merchant.BlowfishPassword);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"MerchantID=KP_TestShop&Len={len}&Data={data}") };
        }
    }
}
