using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>The client against the sandbox over real HTTP: a reservation's life.</summary>
public sealed class ReservationContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    [Fact]
    public async Task Reserve_then_activate_captures_everything_and_closes_the_reservation()
    {
        var reservation = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German());

        var activation = await gateway.ActivateAsync(sandbox.Merchant, reservation.ReservationNumber);

        Assert.Equal(OrderStatus.Accepted, reservation.Status);
        Assert.Matches("^[0-9]{10}$", reservation.ReservationNumber);
        Assert.Equal("ok", activation.RiskStatus);
        Assert.Matches("^[0-9]{17}$", activation.InvoiceNumber);
        var view = await sandbox.Control.ReservationAsync(reservation.ReservationNumber);
        Assert.Equal(0, view!.Amount);
        Assert.Equal(2550, view.Activated);
        Assert.Equal(2550, Assert.Single(view.Invoices).Amount);
        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, activation.InvoiceNumber));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CheckOrderStatusAsync(sandbox.Merchant, reservation.ReservationNumber));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ActivateAsync(sandbox.Merchant, reservation.ReservationNumber));
    }

    [Fact]
    public async Task Activating_lines_leaves_the_rest_reserved_and_a_later_activate_captures_the_remainder()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        var first = await gateway.ActivateAsync(sandbox.Merchant, rno, new ActivateOptions { Articles = [new("A1", 1)] });
        var afterFirst = await sandbox.Control.ReservationAsync(rno);
        var second = await gateway.ActivateAsync(sandbox.Merchant, rno);

        Assert.NotEqual(first.InvoiceNumber, second.InvoiceNumber);
        Assert.Equal(1550, afterFirst!.Amount);
        var invoices = (await sandbox.Control.ReservationAsync(rno))!.Invoices;
        Assert.Equal([1000L, 1550L], invoices.Select(i => i.Amount).Order());
        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, second.InvoiceNumber));
    }

    [Fact]
    public async Task Split_then_activate_captures_an_amount()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        var split = await gateway.SplitReservationAsync(sandbox.Merchant, rno, 700);
        var activation = await gateway.ActivateAsync(sandbox.Merchant, split.ReservationNumber);

        Assert.Equal(OrderStatus.Accepted, split.Status);
        Assert.NotEqual(rno, split.ReservationNumber);
        Assert.Equal(700, Assert.Single((await sandbox.Control.ReservationAsync(split.ReservationNumber))!.Invoices).Amount);
        Assert.Equal(1850, (await sandbox.Control.ReservationAsync(rno))!.Amount);
        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, activation.InvoiceNumber));
    }

    [Fact]
    public async Task Split_of_the_whole_remainder_or_more_is_refused()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.SplitReservationAsync(sandbox.Merchant, rno, 2550));
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.SplitReservationAsync(sandbox.Merchant, rno, 0));
    }

    [Fact]
    public async Task Change_reservation_lowers_the_amount_but_never_raises_it_or_zeroes_it()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        await gateway.ChangeReservationAsync(sandbox.Merchant, rno, 2000);

        Assert.Equal(2000, (await sandbox.Control.ReservationAsync(rno))!.Amount);
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ChangeReservationAsync(sandbox.Merchant, rno, 2001));
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ChangeReservationAsync(sandbox.Merchant, rno, 0));
        Assert.Equal(2000, (await sandbox.Control.ReservationAsync(rno))!.Amount);
    }

    [Fact]
    public async Task Activating_more_than_remains_after_a_reduction_is_refused()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await gateway.ChangeReservationAsync(sandbox.Merchant, rno, 900);

        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ActivateAsync(sandbox.Merchant, rno, new ActivateOptions { Articles = [new("A1", 1)] }));
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ActivateAsync(sandbox.Merchant, rno, new ActivateOptions { Articles = [new("A1", 3)] }));
    }

    [Fact]
    public async Task Cancel_releases_the_reservation_and_then_nothing_more_can_happen()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        await gateway.CancelReservationAsync(sandbox.Merchant, rno);

        Assert.Equal("Cancelled", (await sandbox.Control.ReservationAsync(rno))!.State);
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CancelReservationAsync(sandbox.Merchant, rno));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ActivateAsync(sandbox.Merchant, rno));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CheckOrderStatusAsync(sandbox.Merchant, rno));
    }

    [Fact]
    public async Task Cancel_after_a_part_capture_releases_the_rest_and_cancel_after_full_capture_is_not_allowed()
    {
        var partly = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await gateway.ActivateAsync(sandbox.Merchant, partly, new ActivateOptions { Articles = [new("B2", 1)] });
        var fully = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        await gateway.ActivateAsync(sandbox.Merchant, fully);

        await gateway.CancelReservationAsync(sandbox.Merchant, partly);

        var released = await sandbox.Control.ReservationAsync(partly);
        Assert.Equal(0, released!.Amount);
        Assert.Equal(550, released.Activated);
        await Expect.Fault(KlarnaFaultCode.NotAllowedOperation, () => gateway.CancelReservationAsync(sandbox.Merchant, fully));
    }

    [Fact]
    public async Task Check_order_status_finds_a_reservation_by_order_id()
    {
        var order = Orders.German();
        await gateway.ReserveAmountAsync(sandbox.Merchant, order);

        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, order.OrderId1, OrderIdType.OrderId));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CheckOrderStatusAsync(sandbox.Merchant, "no-such-order", OrderIdType.OrderId));
    }

    [Fact]
    public async Task Pending_accepted_becomes_accepted_after_the_pending_time()
    {
        var reservation = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(email: KlarnaSandbox.PendingAcceptedEmail));

        Assert.Equal(OrderStatus.Pending, reservation.Status);
        Assert.Equal(OrderStatus.Pending, await gateway.CheckOrderStatusAsync(sandbox.Merchant, reservation.ReservationNumber));
        await Expect.Fault(KlarnaFaultCode.Pending, () => gateway.ActivateAsync(sandbox.Merchant, reservation.ReservationNumber));

        sandbox.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(OrderStatus.Accepted, await gateway.CheckOrderStatusAsync(sandbox.Merchant, reservation.ReservationNumber));
        await gateway.ActivateAsync(sandbox.Merchant, reservation.ReservationNumber);
    }

    [Fact]
    public async Task Pending_denied_becomes_denied_and_then_refuses_money_actions()
    {
        var reservation = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(email: KlarnaSandbox.PendingDeniedEmail));

        sandbox.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(OrderStatus.Denied, await gateway.CheckOrderStatusAsync(sandbox.Merchant, reservation.ReservationNumber));
        await Expect.Fault(KlarnaFaultCode.NotAllowedOperation, () => gateway.ActivateAsync(sandbox.Merchant, reservation.ReservationNumber));
        await Expect.Fault(KlarnaFaultCode.NotAllowedOperation, () => gateway.CancelReservationAsync(sandbox.Merchant, reservation.ReservationNumber));
    }

    [Fact]
    public async Task A_pending_reservation_can_be_cancelled_at_once()
    {
        var reservation = await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(email: KlarnaSandbox.PendingDeniedEmail));

        await gateway.CancelReservationAsync(sandbox.Merchant, reservation.ReservationNumber);

        Assert.Equal("Cancelled", (await sandbox.Control.ReservationAsync(reservation.ReservationNumber))!.State);
    }

    [Fact]
    public async Task Denied_last_name_is_refused_at_reservation()
    {
        await Expect.Fault(KlarnaFaultCode.Credit, () => gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German(lastName: KlarnaSandbox.DeniedLastName)));
    }

    [Fact]
    public async Task Reservations_expire_after_seven_days_unless_extended()
    {
        var expiring = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        var extended = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        sandbox.Time.Advance(TimeSpan.FromDays(6));

        var newExpiry = await gateway.ExtendExpiryDateAsync(sandbox.Merchant, extended);
        sandbox.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(sandbox.Time.GetUtcNow().AddDays(5), newExpiry);
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ActivateAsync(sandbox.Merchant, expiring));
        await gateway.ActivateAsync(sandbox.Merchant, extended);
    }

    [Fact]
    public async Task Another_merchant_cannot_touch_the_reservation()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        var other = new KlarnaCredentials(SandboxHost.OtherEid, SandboxHost.OtherSecret, KlarnaEnvironment.Test);

        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.ActivateAsync(other, rno));
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.CancelReservationAsync(other, rno));
    }
}
