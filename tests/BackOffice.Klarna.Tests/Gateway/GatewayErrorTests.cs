using System.Net;
using BackOffice.Klarna.Tests.Infrastructure;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.Gateway;

/// <summary>How the client classifies what comes back: refusals, unknown outcomes (never re-sent) and retried reads.</summary>
public sealed class GatewayErrorTests
{
    private static readonly KlarnaCredentials Merchant = new(1395, "top-secret-value", KlarnaEnvironment.Test);
    private static readonly string Ok = XmlRpcCodec.WriteResponse("ok");
    private static readonly string Accepted = XmlRpcCodec.WriteResponse(1);

    [Fact]
    public async Task A_fault_is_a_typed_refusal_with_code_and_fault_string()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(2102, "amount")));

        var fault = await Expect.Fault(KlarnaFaultCode.Amount, () => TestGateway.Create(handler).ChangeReservationAsync(Merchant, "123", 100));

        Assert.Equal("amount", fault.FaultString);
    }

    [Fact]
    public async Task An_unknown_fault_code_keeps_its_raw_code()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(4242, "mystery")));

        var fault = await Assert.ThrowsAsync<KlarnaFaultException>(() => TestGateway.Create(handler).CancelReservationAsync(Merchant, "123"));

        Assert.Equal(KlarnaFaultCode.Other, fault.Code);
        Assert.Equal(4242, fault.RawCode);
        Assert.Equal("mystery", fault.FaultString);
    }

    public static TheoryData<string> MoneyFailures => ["500", "503", "network", "timeout", "9119", "9191", "garbage", "wrong-shape"];

    [Theory]
    [MemberData(nameof(MoneyFailures))]
    public async Task A_money_call_that_may_have_happened_is_outcome_unknown_and_sent_once(string failure)
    {
        var handler = new ScriptedHandler(Failure(failure));
        var gateway = TestGateway.Create(handler, o => o.Timeout = TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.ActivateAsync(Merchant, "123"));

        Assert.Equal("activate", error.Method);
        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task A_money_call_cancelled_in_flight_is_outcome_unknown()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new ScriptedHandler(async (_, _) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), cancel.Token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => TestGateway.Create(handler).CreditInvoiceAsync(Merchant, "9", cancellationToken: cancel.Token));
    }

    [Theory]
    [InlineData("500")]
    [InlineData("503")]
    [InlineData("network")]
    [InlineData("timeout")]
    [InlineData("9119")]
    [InlineData("9191")]
    [InlineData("garbage")]
    public async Task A_read_call_is_retried_and_then_succeeds(string failure)
    {
        var handler = new ScriptedHandler(Failure(failure), Failure(failure), ScriptedHandler.Latin1(Accepted));
        var gateway = TestGateway.Create(handler, o => o.Timeout = TimeSpan.FromSeconds(2));

        var status = await gateway.CheckOrderStatusAsync(Merchant, "123");

        Assert.Equal(OrderStatus.Accepted, status);
        Assert.Equal(3, handler.Sent.Count);
    }

    [Fact]
    public async Task A_read_call_that_keeps_failing_is_unavailable_after_the_configured_retries()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.BadGateway));
        var gateway = TestGateway.Create(handler, o => o.ReadRetries = 3);

        var error = await Assert.ThrowsAsync<KlarnaUnavailableException>(() => gateway.GetPClassesAsync(Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE));

        Assert.Equal("get_pclasses", error.Method);
        Assert.Equal(4, handler.Sent.Count);
    }

    [Fact]
    public async Task A_read_answer_of_the_wrong_shape_is_unavailable()
    {
        var handler = new ScriptedHandler(Failure("wrong-shape"));

        await Assert.ThrowsAsync<KlarnaUnavailableException>(() => TestGateway.Create(handler).CheckOrderStatusAsync(Merchant, "123"));
    }

    [Fact]
    public async Task A_read_call_refused_by_a_fault_is_not_retried()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(9114, "invalid_estore_secret")));

        await Expect.Fault(KlarnaFaultCode.InvalidEstoreSecret, () => TestGateway.Create(handler).GetAddressesAsync(Merchant, "4103219202"));

        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task A_client_error_status_means_the_gateway_was_not_reached()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.NotFound));

        await Assert.ThrowsAsync<KlarnaUnavailableException>(() => TestGateway.Create(handler).ActivateAsync(Merchant, "123"));

        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task Each_call_uses_its_own_merchant_and_environment()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(Ok));
        var gateway = TestGateway.Create(handler);

        await gateway.CancelReservationAsync(Merchant, "111");
        await gateway.CancelReservationAsync(new KlarnaCredentials(2728, "other", KlarnaEnvironment.Live), "222");

        Assert.Equal("https://test.gateway.example/", handler.Sent[0].Request.RequestUri!.ToString());
        Assert.Equal("https://live.gateway.example/", handler.Sent[1].Request.RequestUri!.ToString());
        Assert.Equal(1395, XmlRpcCodec.ReadCall(new MemoryStream(handler.Sent[0].Body)).Parameters[3]);
        Assert.Equal(2728, XmlRpcCodec.ReadCall(new MemoryStream(handler.Sent[1].Body)).Parameters[3]);
    }

    [Fact]
    public async Task Ping_gets_version_on_the_environments_host_and_retries()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable), ScriptedHandler.Latin1("4.1.2\n"));

        var version = await TestGateway.Create(handler).PingAsync(KlarnaEnvironment.Live);

        Assert.Equal("4.1.2", version);
        Assert.Equal(HttpMethod.Get, handler.Sent[1].Request.Method);
        Assert.Equal("https://live.gateway.example/version", handler.Sent[1].Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task The_shared_secret_is_never_sent_or_shown()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(9114, "invalid_estore_secret")));

        var fault = await Assert.ThrowsAsync<KlarnaFaultException>(() => TestGateway.Create(handler).CancelReservationAsync(Merchant, "123"));

        Assert.DoesNotContain(Merchant.SharedSecret, System.Text.Encoding.Latin1.GetString(handler.Sent[0].Body), StringComparison.Ordinal);
        Assert.DoesNotContain(Merchant.SharedSecret, fault.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Merchant.SharedSecret, Merchant.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_pclass_rows_and_expiry_dates()
    {
        var rows = new List<object>
        {
            new List<object> { 3113, "Ratenkauf", 24, 0, 195, 1495, 0, 81, 1, "-" },
            new List<object> { 3115, "Sommer", 6, 0, 0, 0, 5000, "81", 0, "2020-08-31" },
        };
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteResponse(rows)));

        var pclasses = await TestGateway.Create(handler).GetPClassesAsync(Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE);

        Assert.Equal(new PClass(3113, "Ratenkauf", 24, 0, 195, 1495, 0, KlarnaCountry.DE, PClassType.Account, null), pclasses[0]);
        Assert.Equal(new DateOnly(2020, 8, 31), pclasses[1].ExpiresOn);
        Assert.Equal(KlarnaCountry.DE, pclasses[1].Country);
    }

    [Fact]
    public async Task Reads_the_extended_expiry_in_stockholm_time()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Latin1(XmlRpcCodec.WriteResponse("20261130T143000")));

        var expiry = await TestGateway.Create(handler).ExtendExpiryDateAsync(Merchant, "123");

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 13, 30, 0, TimeSpan.Zero), expiry.ToUniversalTime());
    }

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Failure(string failure) => failure switch
    {
        "500" => ScriptedHandler.Status(HttpStatusCode.InternalServerError),
        "503" => ScriptedHandler.Status(HttpStatusCode.ServiceUnavailable),
        "network" => ScriptedHandler.Throws(new HttpRequestException("connection reset")),
        "timeout" => async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        },
        "9119" => ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(9119, "timeout")),
        "9191" => ScriptedHandler.Latin1(XmlRpcCodec.WriteFault(9191, "timeout")),
        "garbage" => ScriptedHandler.Latin1("<html>proxy error</html"),
        "wrong-shape" => ScriptedHandler.Latin1(XmlRpcCodec.WriteResponse(new List<object> { "only-one" })),
        _ => throw new ArgumentOutOfRangeException(nameof(failure)),
    };
}
