using BackOffice.Klarna.Tests.Infrastructure;

namespace BackOffice.Klarna.Tests.Sandbox;

public sealed class ConcurrencyTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    [Fact]
    public async Task Of_100_parallel_activations_of_one_reservation_exactly_one_succeeds()
    {
        var gateway = sandbox.Gateway();
        var rno = (await gateway.ReserveAmountAsync(sandbox.Merchant, Orders.German())).ReservationNumber;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                return (Invoice: (string?)(await gateway.ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber, Fault: (KlarnaFaultCode?)null);
            }
            catch (KlarnaFaultException fault)
            {
                return (Invoice: (string?)null, Fault: fault.Code);
            }
        }));

        Assert.Single(attempts, a => a.Invoice is not null);
        Assert.Equal(99, attempts.Count(a => a.Fault == KlarnaFaultCode.Rno));
        var reservation = await sandbox.Control.ReservationAsync(rno);
        Assert.Single(reservation!.Invoices);
        Assert.Equal(2550, reservation.Activated);
    }
}
