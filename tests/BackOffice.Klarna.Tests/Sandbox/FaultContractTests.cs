using BackOffice.Sandbox.Kit;
using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>Every fault of PROTOCOL.md §6, answered with its code and its symbolic faultString.</summary>
public sealed class FaultContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    public static TheoryData<string, KlarnaFaultCode, string> MalformedReservations => new()
    {
        { "cellno", KlarnaFaultCode.CellNo, "cellno" },
        { "telno", KlarnaFaultCode.TelNo, "telno" },
        { "email", KlarnaFaultCode.Email, "email" },
        { "country", KlarnaFaultCode.Country, "country" },
        { "city", KlarnaFaultCode.City, "city" },
        { "zip", KlarnaFaultCode.PostNo, "postno" },
        { "street", KlarnaFaultCode.Street, "street" },
        { "client_ip", KlarnaFaultCode.ClientIp, "client_ip" },
        { "goods", KlarnaFaultCode.GoodsList, "goods_list" },
        { "goods_sum", KlarnaFaultCode.GoodsList, "goods_list" },
        { "amount", KlarnaFaultCode.Amount, "amount" },
        { "pclass", KlarnaFaultCode.UnknownPClass, "unknown_pclass" },
        { "currency", KlarnaFaultCode.Currency, "currency" },
    };

    [Theory]
    [MemberData(nameof(MalformedReservations))]
    public async Task Malformed_reservations_fault_with_the_field_named(string what, KlarnaFaultCode code, string key)
    {
        var order = Orders.German();
        var address = order.BillingAddress;
        order = what switch
        {
            "cellno" => order with { BillingAddress = address with { CellPhone = "call me" } },
            "telno" => order with { BillingAddress = address with { Phone = "n/a" } },
            "email" => order with { BillingAddress = address with { Email = "max.example.com" } },
            "country" => order with { BillingAddress = address with { Country = KlarnaCountry.AT } },
            "city" => order with { ShippingAddress = address with { City = "" } },
            "zip" => order with { BillingAddress = address with { PostalCode = " " } },
            "street" => order with { BillingAddress = address with { Street = "" } },
            "client_ip" => order with { ClientIp = "not-an-ip" },
            "goods" => order with { Goods = [] },
            "goods_sum" => order with { Amount = 2549 },
            "amount" => order with { Amount = 0, Goods = [new GoodsLine("Z", "Free", 1, 0, 19)] },
            "pclass" => order with { PClass = 2113 },
            "currency" => order with { Currency = KlarnaCurrency.SEK },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var fault = await Expect.Fault(code, () => gateway.ReserveAmountAsync(sandbox.Merchant, order));

        Assert.Equal(key, fault.FaultString);
    }

    [Fact]
    public async Task Unknown_merchant_faults_9113()
    {
        var fault = await Expect.Fault(KlarnaFaultCode.UnknownEstore,
            () => gateway.ReserveAmountAsync(new KlarnaCredentials(999, "x", KlarnaEnvironment.Test), Orders.German()));

        Assert.Equal("unknown_estore", fault.FaultString);
    }

    [Fact]
    public async Task Wrong_secret_faults_9114_and_reserves_nothing()
    {
        var order = Orders.German();

        var fault = await Expect.Fault(KlarnaFaultCode.InvalidEstoreSecret,
            () => gateway.ReserveAmountAsync(sandbox.Merchant with { SharedSecret = "wrong" }, order));

        Assert.Equal("invalid_estore_secret", fault.FaultString);
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CheckOrderStatusAsync(sandbox.Merchant, order.OrderId1, OrderIdType.OrderId));
    }

    [Theory]
    [InlineData("4.0")]
    [InlineData("5.0")]
    public async Task Protocol_versions_other_than_41_and_42_fault_3209(string version)
    {
        var answer = await PostAsync(XmlRpcCodec.EncodeCall("check_order_status", [version, "test:api:1", SandboxHost.Eid, "digest", "1", 0]));

        Assert.Equal(new XmlRpcFault(3209, "proto_vsn"), answer.Fault);
    }

    [Fact]
    public async Task Activating_an_article_not_on_the_reservation_faults_9108()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        await Expect.Fault(KlarnaFaultCode.UnknownArtNo, () => gateway.ActivateAsync(sandbox.Merchant, rno, new ActivateOptions { Articles = [new("ZZ", 1)] }));
        await Expect.Fault(KlarnaFaultCode.ArtNos, () => gateway.ActivateAsync(sandbox.Merchant, rno, new ActivateOptions { Articles = [new("A1", -1)] }));
    }

    [Fact]
    public async Task Unknown_reservation_faults_9109()
    {
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ActivateAsync(sandbox.Merchant, "1234567890"));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ChangeReservationAsync(sandbox.Merchant, "1234567890", 100));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ExtendExpiryDateAsync(sandbox.Merchant, "1234567890"));
    }

    [Theory]
    [InlineData(9119)]
    [InlineData(9191)]
    public async Task Injected_timeout_faults_make_a_money_call_outcome_unknown(int code)
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await sandbox.Control.InjectAsync(new SandboxInjection("activate", SandboxFailure.Fault, code));

        var error = await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.ActivateAsync(sandbox.Merchant, rno));

        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Equal(2550, (await sandbox.Control.ReservationAsync(rno))!.Amount);
    }

    [Fact]
    public async Task Calls_that_are_not_klarna_calls_get_xml_rpc_interoperability_faults()
    {
        Assert.Equal(-32700, (await PostAsync("<methodCall><oops"u8.ToArray())).Fault!.Code);
        Assert.Equal(-32601, (await PostAsync(XmlRpcCodec.EncodeCall("no_such_method", ["4.1", "x:api:1"]))).Fault!.Code);
        Assert.Equal(-32602, (await PostAsync(XmlRpcCodec.EncodeCall("cancel_reservation", ["4.1", "x:api:1", "123"]))).Fault!.Code);
        Assert.Equal(-32602, (await PostAsync(XmlRpcCodec.EncodeCall("cancel_reservation", ["4.1", "", "123", SandboxHost.Eid, "d"]))).Fault!.Code);
        Assert.Equal(-32602, (await PostAsync(XmlRpcCodec.EncodeCall("cancel_reservation", ["4.1", "x:api:1", "123", "not-an-eid", "d"]))).Fault!.Code);
    }

    private async Task<XmlRpcResponse> PostAsync(byte[] body)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(XmlRpcCodec.ContentType);
        using var response = await http.PostAsync(sandbox.BaseAddress, content);
        return XmlRpcCodec.ReadResponse(await response.Content.ReadAsStreamAsync());
    }
}
