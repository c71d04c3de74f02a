using BackOffice.Sandbox.Kit;
using System.Diagnostics;
using System.Net;
using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

public sealed class ControlApiTests(SandboxHost sandbox) : IClassFixture<SandboxHost>, IAsyncLifetime
{
    private readonly KlarnaGateway gateway = sandbox.Gateway(o => o.Timeout = TimeSpan.FromSeconds(3));

    public Task InitializeAsync() => sandbox.Control.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Counts_calls_per_method()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await gateway.CheckOrderStatusAsync(sandbox.Merchant, rno);
        await gateway.CheckOrderStatusAsync(sandbox.Merchant, rno);

        var calls = await sandbox.Control.CallsAsync();

        Assert.Equal(1, calls["reserve_amount"]);
        Assert.Equal(2, calls["check_order_status"]);
    }

    [Fact]
    public async Task Shows_an_orders_reservations_with_those_split_off_and_every_change_that_was_carried_out()
    {
        var order = Orders.German();
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, order)).ReservationNumber;
        var split = (await gateway.SplitReservationAsync(sandbox.Merchant, rno, 700, order.OrderId1)).ReservationNumber;
        var invoice = (await gateway.ActivateAsync(sandbox.Merchant, split)).InvoiceNumber;
        await gateway.CheckOrderStatusAsync(sandbox.Merchant, rno);
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ChangeReservationAsync(sandbox.Merchant, rno, 1_000_000));

        var reservations = await sandbox.Control.OrderAsync(order.OrderId1);
        var executions = await sandbox.Control.ExecutionsAsync();

        Assert.Equal([(rno, 1850L), (split, 0L)], reservations.Select(r => (r.ReservationNumber, r.Amount)));
        Assert.Equal(invoice, Assert.Single(reservations[1].Invoices).InvoiceNumber);
        Assert.Equal(
            [("reserve_amount", order.OrderId1, (long?)2550, rno), ("split_reservation", rno, 700, split), ("activate", split, null, invoice)],
            executions.Select(e => (e.Method, e.Target, e.Amount, e.Result)));
    }

    [Fact]
    public async Task Latency_delays_every_call()
    {
        await sandbox.Control.SetLatencyAsync(300);
        var clock = Stopwatch.StartNew();

        await gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Injected_faults_hit_the_next_calls_of_their_method_only()
    {
        await sandbox.Control.InjectAsync(new SandboxInjection("get_pclasses", SandboxFailure.Fault, 9113, Count: 2));

        await Expect.Fault(KlarnaFaultCode.UnknownEstore, () => gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE));
        await Expect.Fault(KlarnaFaultCode.UnknownEstore, () => gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE));
        Assert.NotEmpty(await gateway.GetPClassesAsync(sandbox.Merchant, KlarnaCountry.DE, KlarnaCurrency.EUR, KlarnaLanguage.DE));
    }

    [Fact]
    public async Task An_injected_timeout_makes_a_money_call_outcome_unknown_and_sends_it_once()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await sandbox.Control.InjectAsync(new SandboxInjection("activate", SandboxFailure.Timeout));

        await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.ActivateAsync(sandbox.Merchant, rno));

        Assert.Equal(1, await sandbox.Control.CallsAsync("activate"));
        Assert.Equal(2550, (await sandbox.Control.ReservationAsync(rno))!.Amount);
    }

    [Fact]
    public async Task A_timeout_after_execution_leaves_the_capture_done_though_the_client_cannot_know()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await sandbox.Control.InjectAsync(new SandboxInjection("activate", SandboxFailure.Timeout, AfterExecution: true));

        await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.ActivateAsync(sandbox.Merchant, rno));

        var reservation = await sandbox.Control.ReservationAsync(rno);
        Assert.Equal(2550, reservation!.Activated);
        Assert.Single(reservation.Invoices);
    }

    [Fact]
    public async Task A_line_dropped_after_execution_makes_the_capture_unknown_at_once_from_the_network_error()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await sandbox.Control.InjectAsync(new SandboxInjection("activate", SandboxFailure.Drop, AfterExecution: true));

        var lost = await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.ActivateAsync(sandbox.Merchant, rno));

        Assert.IsType<HttpRequestException>(lost.InnerException);
        Assert.Equal(2550, (await sandbox.Control.ReservationAsync(rno))!.Activated);
        Assert.Equal(1, await sandbox.Control.CallsAsync("activate"));
    }

    [Fact]
    public async Task An_injected_server_error_makes_a_money_call_outcome_unknown_and_a_read_call_retry()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await sandbox.Control.InjectAsync(new SandboxInjection("cancel_reservation", SandboxFailure.ServerError));
        await sandbox.Control.InjectAsync(new SandboxInjection("check_order_status", SandboxFailure.ServerError, Count: 2));

        await Assert.ThrowsAsync<KlarnaOutcomeUnknownException>(() => gateway.CancelReservationAsync(sandbox.Merchant, rno));
        var status = await gateway.CheckOrderStatusAsync(sandbox.Merchant, rno);

        Assert.Equal(OrderStatus.Accepted, status);
        Assert.Equal(1, await sandbox.Control.CallsAsync("cancel_reservation"));
        Assert.Equal(3, await sandbox.Control.CallsAsync("check_order_status"));
    }

    [Fact]
    public async Task Resolving_a_pending_reservation_decides_it_at_once()
    {
        var accepted = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(email: KlarnaSandbox.PendingAcceptedEmail));
        var denied = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(email: KlarnaSandbox.PendingAcceptedEmail));

        await sandbox.Control.ResolveAsync(accepted.ReservationNumber, OrderStatus.Accepted);
        await sandbox.Control.ResolveAsync(denied.ReservationNumber, OrderStatus.Denied);

        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, accepted.ReservationNumber));
        Assert.Equal(OrderStatus.Denied, await gateway.CheckOrderStatusAsync(sandbox.Merchant, denied.ReservationNumber));
        await Assert.ThrowsAsync<HttpRequestException>(() => sandbox.Control.ResolveAsync(accepted.ReservationNumber, OrderStatus.Denied));
    }

    [Fact]
    public async Task Reads_a_reservations_state_and_forgets_everything_on_reset()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        var view = await sandbox.Control.ReservationAsync(rno);
        await sandbox.Control.ResetAsync();

        Assert.Equal("Accepted", view!.Status);
        Assert.Equal("Open", view.State);
        Assert.Equal(SandboxHost.Eid, view.Eid);
        Assert.Equal(sandbox.Time.GetUtcNow().AddDays(7), view.ExpiresAt);
        Assert.Equal(["A1", "B2"], view.Lines.Select(l => l.ArticleNumber));
        Assert.Null(await sandbox.Control.ReservationAsync(rno));
        Assert.Empty(await sandbox.Control.CallsAsync());
    }

    [Fact]
    public async Task Bad_control_requests_are_refused()
    {
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };

        var noCode = await http.PostAsync("_sandbox/failures", Json("""{"method":"activate","failure":"Fault"}"""));
        var negative = await http.PutAsync("_sandbox/latency", Json("""{"milliseconds":-1}"""));

        Assert.Equal(HttpStatusCode.BadRequest, noCode.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

public sealed class ControlApiOffTests : IAsyncLifetime
{
    private readonly SandboxHost sandbox = new() { Settings = { ["Sandbox:ControlApi"] = "false" } };

    public Task InitializeAsync() => sandbox.InitializeAsync();

    public Task DisposeAsync() => sandbox.DisposeAsync();

    [Fact]
    public async Task The_control_api_is_not_served_unless_switched_on()
    {
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("_sandbox/calls")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("version")).StatusCode);
    }
}

public sealed class ConfiguredLatencyTests : IAsyncLifetime
{
    private readonly SandboxHost sandbox = new() { Settings = { ["Sandbox:LatencyMs"] = "300" } };

    public Task InitializeAsync() => sandbox.InitializeAsync();

    public Task DisposeAsync() => sandbox.DisposeAsync();

    [Fact]
    public async Task Sandbox_latency_from_configuration_delays_every_call()
    {
        var clock = Stopwatch.StartNew();

        await Expect.Fault(KlarnaFaultCode.Rno, () => sandbox.Gateway().CheckOrderStatusAsync(sandbox.Merchant, "1"));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}");
        Assert.Equal(1, await sandbox.Control.CallsAsync("check_order_status"));
    }
}
