using System.Net;
using System.Text;
using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>PClasses, addresses, the ping, and requests exactly as Klarna's own clients sent them.</summary>
public sealed class LookupContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    [Fact]
    public async Task Get_pclasses_returns_the_seeds_ratenkauf_for_germany()
    {
        var pclasses = await gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE);

        Assert.Contains(new PClass(3113, "Ratenkauf", 24, 0, 195, 1495, 0, KlarnaCountry.DE, PClassType.Account, null), pclasses);
        Assert.All(pclasses, p => Assert.Equal(KlarnaCountry.DE, p.Country));
        Assert.Contains(pclasses, p => p.ExpiresOn is { } date && date < new DateOnly(2026, 1, 1));
    }

    [Theory]
    [MemberData(nameof(Markets))]
    public async Task Every_valid_market_has_pclasses(KlarnaCountry country, KlarnaCurrency currency, KlarnaLanguage language)
    {
        Assert.NotEmpty(await gateway.GetPClassesAsync(sandbox.Merchant, country, currency, language));
    }

    public static TheoryData<KlarnaCountry, KlarnaCurrency, KlarnaLanguage> Markets()
    {
        var data = new TheoryData<KlarnaCountry, KlarnaCurrency, KlarnaLanguage>();
        foreach (var market in KlarnaMarkets.All)
            data.Add(market.Country, market.Currency, market.Language);
        return data;
    }

    [Fact]
    public async Task Get_pclasses_for_a_currency_the_country_does_not_use_is_refused()
    {
        await Expect.Fault(KlarnaFaultCode.Currency, () => gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.SEK, KlarnaLanguage.DE));
    }

    [Fact]
    public async Task Get_pclasses_accepts_the_seed_documents_sha256_digest()
    {
        var digest = KlarnaDigest.Sha256($"{SandboxHost.Eid}:2:{SandboxHost.Secret}");

        var answer = await PostAsync(XmlRpcCodec.EncodeCall("get_pclasses", ["4.1", "php:api:2.4", SandboxHost.Eid, 2, digest, 81, 28]), "text/xml; charset=ISO-8859-1");

        Assert.Null(answer.Fault);
        Assert.NotEmpty(XmlRpcConvert.ToArray(answer.Value!));
    }

    [Fact]
    public async Task Get_addresses_finds_the_swedish_test_person()
    {
        var address = Assert.Single(await gateway.GetAddressesAsync(sandbox.Merchant, KlarnaSandbox.TestPersonNumber));

        Assert.Equal(new RegisteredAddress("Testperson-se", "Approved", "", "Stårgatan 1", "12345", "Ankeborg", KlarnaCountry.SE), address);
        Assert.Empty(await gateway.GetAddressesAsync(sandbox.Merchant, "5501011234"));
        await Expect.Fault(KlarnaFaultCode.Country, () => gateway.GetAddressesAsync(sandbox.Merchant, "07071960", PnoEncoding.DE));
    }

    [Fact]
    public async Task Ping_answers_the_version()
    {
        Assert.Equal(SandboxEndpoints.VersionText, await gateway.PingAsync(KlarnaEnvironment.Test));
    }

    public static TheoryData<string> RecordedRequests => ["activate/01-reserve_amount", "activate/03-reserve_amount",
        "get_addresses_for_person_PNO/01-get_addresses", "get_addresses_for_person_PNO/02-get_addresses"];

    /// <summary>
    /// Klarna's Python client sent UTF-8 with no charset and no encoding in the declaration, &lt;i4&gt;, proto 4.1 or 4.2,
    /// empty arrays for optional structs and client_vsn xmlrpc:inapp. Only the digest, signed with a secret we do not
    /// have, is signed again with the sandbox merchant's.
    /// </summary>
    [Theory]
    [MemberData(nameof(RecordedRequests))]
    public async Task Requests_exactly_as_klarnas_client_sent_them_are_accepted(string recording)
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recordings", recording + ".request.xml"));
        var call = XmlRpcCodec.ReadCall(xml);
        var (eid, digestIndex, signed) = call.Method == "reserve_amount"
            ? ((int)call.Parameters[16], 17, $"{call.Parameters[16]}:{call.Parameters[2]}:{call.Parameters[4]}")
            : ((int)call.Parameters[3], 4, $"{call.Parameters[3]}:{call.Parameters[2]}");
        var body = xml.Replace((string)call.Parameters[digestIndex], KlarnaDigest.Sha512($"{signed}:{SandboxHost.Secrets[eid]}"), StringComparison.Ordinal);

        var answer = await PostAsync(Encoding.UTF8.GetBytes(body), "text/xml");

        Assert.Null(answer.Fault);
        Assert.IsType<List<object>>(answer.Value);
    }

    private async Task<XmlRpcResponse> PostAsync(byte[] body, string contentType)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.PostAsync(sandbox.BaseAddress, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XmlRpcCodec.ReadResponse(await response.Content.ReadAsStreamAsync());
    }
}
