using System.Text;
using BackOffice.Klarna.Tests.Infrastructure;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.Gateway;

/// <summary>
/// For every request/response pair recorded against Klarna's test server: the client sends the same method with the
/// same parameters (order, types, values; the digest, made with an unknown secret there, is checked against ours) and
/// reads the recorded answer to the expected result.
/// </summary>
public sealed class RecordingTests
{
    private const string Secret = "recording-test-secret";
    private const string TestPerson = "4103219202";

    public static TheoryData<string> Exchanges => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Client_sends_the_recorded_request_and_reads_the_recorded_answer(string exchange)
    {
        var recordedRequest = XmlRpcCodec.ReadCall(Recording(exchange + ".request.xml"));
        var protocolVersion = (string)recordedRequest.Parameters[0];
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(Recording(exchange + ".response.xml")));
        var gateway = TestGateway.Create(handler, o =>
        {
            o.ProtocolVersion = protocolVersion;
            o.ClientVersion = (string)recordedRequest.Parameters[1];
        });
        var exchangeCase = Cases[exchange];
        var merchant = new KlarnaCredentials(exchangeCase.Eid, Secret, KlarnaEnvironment.Test);

        var result = await exchangeCase.Call(gateway, merchant);

        var (request, body) = Assert.Single(handler.Sent);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("text/xml; charset=ISO-8859-1", request.Content!.Headers.ContentType!.ToString());
        var sent = XmlRpcCodec.ReadCall(new MemoryStream(body));
        Assert.Equal(recordedRequest.Method, sent.Method);
        Assert.Equal(recordedRequest.Parameters.Count, sent.Parameters.Count);
        for (var i = 0; i < sent.Parameters.Count; i++)
        {
            if (i == exchangeCase.DigestIndex)
                Assert.Equal(KlarnaDigest.Sha512(exchangeCase.SignedText(protocolVersion, (string)recordedRequest.Parameters[1])), sent.Parameters[i]);
            else
                AssertSameValue(recordedRequest.Parameters[i], sent.Parameters[i], $"parameter {i}");
        }
        Assert.Equal(exchangeCase.Expected, result);
    }

    /// <param name="DigestIndex">The digest's position among all parameters, proto_vsn and client_vsn included.</param>
    private sealed record Case(int Eid, int DigestIndex, Func<IKlarnaGateway, KlarnaCredentials, Task<object?>> Call, object? Expected, Func<string, string, string> SignedText);

    private static Dictionary<string, Case> Cases { get; } = BuildCases();

    private static Dictionary<string, Case> BuildCases()
    {
        var cases = new Dictionary<string, Case>();
        void Reserve(string name, int eid, string rno) => cases[name] = new Case(eid, 17,
            async (g, m) => await g.ReserveAmountAsync(m, TestPersonReservation()),
            new ReservationResult(rno, OrderStatus.Accepted),
            (_, _) => $"{eid}:{TestPerson}:299:{Secret}");
        void Activate(string name, int eid, string rno, string invno) => cases[name] = new Case(eid, 3,
            async (g, m) => await g.ActivateAsync(m, rno, new ActivateOptions { Flags = ReservationFlags.TestMode }),
            new ActivationResult("ok", invno),
            (proto, client) => $"{proto.Replace('.', ':')}:{client}:{eid}:{rno}:2:{Secret}");

        Reserve("activate/01-reserve_amount", 2728, "2359889900");
        Activate("activate/02-activate", 2728, "2359889900", "41511272881900675");
        Reserve("activate/03-reserve_amount", 10, "40");
        Activate("activate/04-activate", 10, "40", "1015975040999967");
        Reserve("cancel/01-reserve_amount", 2728, "2359889920");
        cases["cancel/02-cancel_reservation"] = Cancel(2728, "2359889920");
        Reserve("cancel/03-reserve_amount", 10, "60");
        cases["cancel/04-cancel_reservation"] = Cancel(10, "60");
        Reserve("check_order_status/01-reserve_amount", 2728, "2359889930");
        cases["check_order_status/02-check_order_status"] = CheckStatus(2728, "2359889930");
        Reserve("check_order_status/03-reserve_amount", 10, "30");
        cases["check_order_status/04-check_order_status"] = CheckStatus(10, "30");
        Reserve("credit_invoice/01-reserve_amount", 2728, "2359889910");
        Activate("credit_invoice/02-activate", 2728, "2359889910", "41511272803065375");
        cases["credit_invoice/03-credit_invoice"] = CreditInvoice(2728, "41511272803065375");
        Reserve("credit_invoice/04-reserve_amount", 10, "50");
        Activate("credit_invoice/05-activate", 10, "50", "1018520470999967");
        cases["credit_invoice/06-credit_invoice"] = CreditInvoice(10, "1018520470999967");
        cases["get_addresses_for_person_PNO/01-get_addresses"] = Addresses(2728);
        cases["get_addresses_for_person_PNO/02-get_addresses"] = Addresses(10);
        return cases;
    }

    private static Case Cancel(int eid, string rno) => new(eid, 4,
        async (g, m) => { await g.CancelReservationAsync(m, rno); return "cancelled"; }, "cancelled",
        (_, _) => $"{eid}:{rno}:{Secret}");

    private static Case CheckStatus(int eid, string rno) => new(eid, 3,
        async (g, m) => await g.CheckOrderStatusAsync(m, rno), OrderStatus.Accepted,
        (_, _) => $"{eid}:{rno}:{Secret}");

    private static Case CreditInvoice(int eid, string invno) => new(eid, 5,
        async (g, m) => await g.CreditInvoiceAsync(m, invno), invno,
        (_, _) => $"{eid}:{invno}:{Secret}");

    private static Case Addresses(int eid) => new(eid, 4,
        async (g, m) => Assert.Single(await g.GetAddressesAsync(m, TestPerson)),
        new RegisteredAddress("Testperson-se", "Approved", "", "Stårgatan 1", "12345", "Ankeborg", KlarnaCountry.SE),
        (_, _) => $"{eid}:{TestPerson}:{Secret}");

    /// <summary>The Swedish test person's 2.99 SEK invoice reservation, as Klarna's own client sent it.</summary>
    private static ReserveAmountRequest TestPersonReservation()
    {
        var address = new KlarnaAddress
        {
            Email = "always_approved@klarna.com",
            CellPhone = "0762560000",
            FirstName = "Testperson-se",
            LastName = "Approved",
            Street = "Stårgatan 1",
            PostalCode = "12345",
            City = "Ankeborg",
            Country = KlarnaCountry.SE,
        };
        return new ReserveAmountRequest
        {
            PersonalNumber = TestPerson,
            Amount = 299,
            ShippingAddress = address,
            BillingAddress = address,
            Flags = ReservationFlags.TestMode,
            Currency = KlarnaCurrency.SEK,
            Country = KlarnaCountry.SE,
            Language = KlarnaLanguage.SV,
            PnoEncoding = PnoEncoding.SE,
            Goods =
            [
                new GoodsLine("article1", "Article Foo", 1, 199, 25),
                new GoodsLine("article2", "Article Poo", 1, 100, 25),
            ],
        };
    }

    private static void AssertSameValue(object expected, object actual, string where)
    {
        Assert.True(expected.GetType() == actual.GetType(), $"{where}: expected {XmlRpcConvert.Describe(expected)}, sent {XmlRpcConvert.Describe(actual)}");
        switch (expected)
        {
            case Dictionary<string, object> members:
                var sentMembers = (Dictionary<string, object>)actual;
                Assert.Equal(members.Keys, sentMembers.Keys);
                foreach (var (name, value) in members)
                    AssertSameValue(value, sentMembers[name], $"{where}.{name}");
                break;
            case List<object> items:
                var sentItems = (List<object>)actual;
                Assert.Equal(items.Count, sentItems.Count);
                for (var i = 0; i < items.Count; i++)
                    AssertSameValue(items[i], sentItems[i], $"{where}[{i}]");
                break;
            default:
                Assert.True(Equals(expected, actual), $"{where}: expected {XmlRpcConvert.Describe(expected)}, sent {XmlRpcConvert.Describe(actual)}");
                break;
        }
    }

    // The recordings are stored as UTF-8 text; on the wire they were ISO-8859-1, which the handler re-creates.
    private static string Recording(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recordings", name), Encoding.UTF8);
}
