using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>The client against the sandbox over real HTTP: what a back office changes before and after a capture.</summary>
public sealed class AfterPurchaseContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    [Fact]
    public async Task Update_changes_the_addresses_and_leaves_the_goods()
    {
        var rno = await ReservedAsync();
        var moved = Orders.GermanAddress() with { Street = "Königsallee", HouseNumber = "1", PostalCode = "40212", City = "Düsseldorf" };

        await gateway.UpdateReservationAsync(sandbox.Merchant, rno, new ReservationUpdate { ShippingAddress = moved, BillingAddress = moved });

        var reservation = (await sandbox.Control.ReservationAsync(rno))!;
        Assert.Equal("Königsallee", reservation.Shipping!.Street);
        Assert.Equal("Düsseldorf", reservation.Billing!.City);
        Assert.Equal(2550, reservation.Amount);
        Assert.Equal(["A1", "B2"], reservation.Lines.Select(l => l.ArticleNumber));
    }

    [Fact]
    public async Task Update_with_fewer_goods_lowers_the_reservation_and_the_capture_follows_the_new_lines()
    {
        var rno = await ReservedAsync();

        await gateway.UpdateReservationAsync(sandbox.Merchant, rno, new ReservationUpdate { Goods = [new GoodsLine("A1", "Shirt", 1, 1000, 19)], OrderId1 = "order-renamed" });

        var reservation = (await sandbox.Control.ReservationAsync(rno))!;
        Assert.Equal(1000, reservation.Amount);
        Assert.Equal("order-renamed", reservation.OrderId1);
        var invoice = await gateway.ActivateAsync(sandbox.Merchant, rno);
        Assert.Equal(1000, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Amount);
        Assert.NotEmpty(invoice.InvoiceNumber);
    }

    [Fact]
    public async Task Update_never_raises_the_reservation_and_is_refused_after_it_ended()
    {
        var rno = await ReservedAsync();

        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.UpdateReservationAsync(sandbox.Merchant, rno,
            new ReservationUpdate { Goods = [new GoodsLine("A1", "Shirt", 3, 1000, 19)] }));
        await Expect.Fault(KlarnaFaultCode.Country, () => gateway.UpdateReservationAsync(sandbox.Merchant, rno,
            new ReservationUpdate { BillingAddress = Orders.GermanAddress() with { Country = KlarnaCountry.AT } }));
        await Expect.Fault(KlarnaFaultCode.InvalidEstoreSecret, () => gateway.UpdateReservationAsync(sandbox.Merchant with { SharedSecret = "wrong" }, rno,
            new ReservationUpdate { OrderId1 = "x" }));
        Assert.Equal(2550, (await sandbox.Control.ReservationAsync(rno))!.Amount);

        await gateway.CancelReservationAsync(sandbox.Merchant, rno);
        await Expect.Fault(KlarnaFaultCode.Rno, () => gateway.UpdateReservationAsync(sandbox.Merchant, rno, new ReservationUpdate { OrderId1 = "x" }));
    }

    [Fact]
    public async Task Update_orderno_renames_the_captured_purchase()
    {
        var rno = await ReservedAsync();
        var invno = (await gateway.ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber;

        Assert.Equal(invno, await gateway.UpdateOrderNumberAsync(sandbox.Merchant, invno, "order-4711"));

        var reservation = (await sandbox.Control.ReservationAsync(rno))!;
        Assert.Equal("order-4711", Assert.Single(reservation.Invoices).OrderId);
        Assert.Equal("order-4711", reservation.OrderId1);
        await Expect.Fault(KlarnaFaultCode.UnknownInvoice, () => gateway.UpdateOrderNumberAsync(sandbox.Merchant, "12345678901234567", "order-1"));
        await Expect.Fault(KlarnaFaultCode.InvalidEstoreSecret, () => gateway.UpdateOrderNumberAsync(sandbox.Merchant with { SharedSecret = "wrong" }, invno, "x"));
    }

    [Fact]
    public async Task Extend_invoice_due_date_quotes_then_moves_the_due_date()
    {
        var rno = await ReservedAsync();
        var invno = (await gateway.ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber;
        var due = Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).DueDate;
        Assert.Equal(DateOnly.FromDateTime(sandbox.Time.GetUtcNow().UtcDateTime).AddDays(14), due);

        var quote = await gateway.ExtendInvoiceDueDateAsync(sandbox.Merchant, invno, 10, calculateOnly: true);

        Assert.Equal(new DueDateExtension(200, due.AddDays(10)), quote);
        Assert.Equal(due, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).DueDate);
        Assert.Equal(quote, await gateway.ExtendInvoiceDueDateAsync(sandbox.Merchant, invno, 10));
        Assert.Equal(due.AddDays(10), Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).DueDate);

        var refused = await Assert.ThrowsAsync<KlarnaFaultException>(() => gateway.ExtendInvoiceDueDateAsync(sandbox.Merchant, invno, 0));
        Assert.Equal(-32602, refused.RawCode);
        await gateway.CreditInvoiceAsync(sandbox.Merchant, invno);
        await Expect.Fault(KlarnaFaultCode.InvoiceBadStatus, () => gateway.ExtendInvoiceDueDateAsync(sandbox.Merchant, invno, 7));
    }

    [Fact]
    public async Task Has_account_knows_the_approved_test_persons()
    {
        Assert.True(await gateway.HasAccountAsync(sandbox.Merchant, "410321-9202", PnoEncoding.SE));
        Assert.True(await gateway.HasAccountAsync(sandbox.Merchant, "07071960", PnoEncoding.DE));
        Assert.False(await gateway.HasAccountAsync(sandbox.Merchant, "411028-8083", PnoEncoding.SE));
        Assert.False(await gateway.HasAccountAsync(sandbox.Merchant, "5501011234", PnoEncoding.SE));
    }

    private async Task<string> ReservedAsync() => (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
}
