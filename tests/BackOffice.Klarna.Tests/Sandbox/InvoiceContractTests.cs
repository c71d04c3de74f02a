using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>The client against the sandbox over real HTTP: refunds and invoice mail.</summary>
public sealed class InvoiceContractTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly KlarnaGateway gateway = sandbox.Gateway();

    [Fact]
    public async Task Credit_invoice_refunds_all_of_it_once()
    {
        var (rno, invno) = await CapturedAsync();

        Assert.Equal(invno, await gateway.CreditInvoiceAsync(sandbox.Merchant, invno));

        Assert.Equal(2550, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Credited);
        await Expect.Fault(KlarnaFaultCode.InvoiceBadStatus, () => gateway.CreditInvoiceAsync(sandbox.Merchant, invno));
    }

    [Fact]
    public async Task Credit_part_refunds_lines_within_what_was_invoiced()
    {
        var (rno, invno) = await CapturedAsync();

        Assert.Equal(invno, await gateway.CreditPartAsync(sandbox.Merchant, invno, [new("A1", 1)]));
        await gateway.CreditPartAsync(sandbox.Merchant, invno, [new("A1", 1), new("B2", 1)]);

        Assert.Equal(2550, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Credited);
        await Expect.Fault(KlarnaFaultCode.InvoiceBadStatus, () => gateway.CreditPartAsync(sandbox.Merchant, invno, [new("A1", 1)]));
        await Expect.Fault(KlarnaFaultCode.UnknownArtNo, () => gateway.CreditPartAsync(sandbox.Merchant, invno, [new("ZZ", 1)]));
        await Expect.Fault(KlarnaFaultCode.ArtNos, () => gateway.CreditPartAsync(sandbox.Merchant, invno, [new("A1", 0)]));
    }

    [Fact]
    public async Task Return_amount_refunds_up_to_what_is_left_on_the_invoice()
    {
        var (rno, invno) = await CapturedAsync();

        Assert.Equal(invno, await gateway.ReturnAmountAsync(sandbox.Merchant, invno, 2000, 19, "goodwill"));

        await Expect.Fault(KlarnaFaultCode.InvoiceBadStatus, () => gateway.ReturnAmountAsync(sandbox.Merchant, invno, 551, 19));
        await Expect.Fault(KlarnaFaultCode.Amount, () => gateway.ReturnAmountAsync(sandbox.Merchant, invno, 0, 19));
        await gateway.ReturnAmountAsync(sandbox.Merchant, invno, 550, 19);
        Assert.Equal(2550, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Credited);
    }

    [Fact]
    public async Task Email_and_send_invoice_answer_the_invoice_number()
    {
        var (_, invno) = await CapturedAsync();

        Assert.Equal(invno, await gateway.EmailInvoiceAsync(sandbox.Merchant, invno));
        Assert.Equal(invno, await gateway.SendInvoiceAsync(sandbox.Merchant, invno));
    }

    [Fact]
    public async Task Unknown_invoices_are_refused()
    {
        await Expect.Fault(KlarnaFaultCode.UnknownInvoice, () => gateway.CreditInvoiceAsync(sandbox.Merchant, "12345678901234567"));
        await Expect.Fault(KlarnaFaultCode.UnknownInvoice, () => gateway.ReturnAmountAsync(sandbox.Merchant, "12345678901234567", 100, 19));
        await Expect.Fault(KlarnaFaultCode.UnknownInvoice, () => gateway.EmailInvoiceAsync(sandbox.Merchant, "12345678901234567"));
    }

    private async Task<(string Rno, string Invno)> CapturedAsync()
    {
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;
        return (rno, (await gateway.ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber);
    }
}
