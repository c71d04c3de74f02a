using BackOffice.Klarna.XmlRpc;
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
    public async Task Credit_part_takes_the_lines_from_the_goods_list_when_artnos_is_empty_as_klarnas_own_clients_send_it()
    {
        var (rno, invno) = await CapturedAsync();
        // Klarna's PHP client: artnos an empty array (written as an empty struct), flags, and the goods list to credit;
        // the digest then covers no article.
        var goods = new Dictionary<string, object> { ["goods"] = new Dictionary<string, object> { ["artno"] = "A1", ["title"] = "Shirt", ["price"] = 1000, ["vat"] = 19.0, ["discount"] = 0.0, ["flags"] = 32 }, ["qty"] = 1 };
        var call = XmlRpcCodec.EncodeCall("credit_part",
        [
            "4.1", "php:api:2.4.3", SandboxHost.Eid, invno, new Dictionary<string, object>(), "",
            KlarnaDigest.Of($"{SandboxHost.Eid}:{invno}:{SandboxHost.Secret}"), 0, new object[] { goods },
        ]);

        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        var answer = XmlRpcCodec.ReadResponse(await (await http.PostAsync("", new ByteArrayContent(call))).Content.ReadAsStreamAsync());

        Assert.Null(answer.Fault);
        Assert.Equal(invno, answer.Value);
        Assert.Equal(1000, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Credited);
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
