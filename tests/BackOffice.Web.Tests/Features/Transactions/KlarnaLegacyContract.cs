using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>
/// The provider contract against Klarna's legacy API (the sandbox over real XML-RPC). The legacy API cannot tell the
/// outcome of a lost call by itself: the operator answers from Klarna's side, as the sandbox shows it.
/// </summary>
public sealed class KlarnaLegacyContract : ProviderContract
{
    private readonly BackOfficeAppFactory app = new()
    {
        Settings = { ["Klarna:Gateway:Timeout"] = "00:00:02", ["Klarna:Gateway:ReadRetryDelay"] = "00:00:00.050" },
    };

    private SandboxControlClient sandbox = null!;

    protected override BackOfficeAppFactory App => app;

    private KlarnaSandbox Klarna => app.Services.GetRequiredService<KlarnaSandbox>();

    protected override int FaultsHit => Klarna.Traffic.FaultsHit;

    public override Task InitializeAsync()
    {
        sandbox = app.StartOnLoopback().KlarnaSandbox;
        return Task.CompletedTask;
    }

    protected override async Task<Guid> AuthorizeAsync(string orderNumber)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var address = new KlarnaAddress { FirstName = "Max", LastName = "Mustermann", Email = "max@example.com", Street = "Hellersbergstraße 14", PostalCode = "41460", City = "Neuss", Country = KlarnaCountry.DE };
        var reservation = scope.ServiceProvider.GetRequiredService<ReservationService>().ReserveAsync(new ReservationOrder("demo", KlarnaModule.Invoice, orderNumber,
            KlarnaCountry.DE, KlarnaCurrency.EUR, "07071960", address, address, [new GoodsLine("A1", "Shirt", 3, 1000, 19)]));
        return (await reservation.StoredAsync()).Id;
    }

    protected override Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId) =>
        Books.DisagreementsAsync(app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>(), sandbox, transactionId);

    /// <summary>A capture by amount splits first and then activates the split: the activation is the capture.</summary>
    protected override void FailNext(OperationKind kind, ContractFault fault)
    {
        var method = kind switch
        {
            OperationKind.Capture => "activate",
            OperationKind.Refund => "return_amount",
            _ => "cancel_reservation",
        };
        Klarna.Traffic.Inject(fault switch
        {
            ContractFault.Refused => new SandboxInjection(method, SandboxFailure.Fault, 2102),
            ContractFault.AnswerLost => new SandboxInjection(method, SandboxFailure.Timeout, AfterExecution: true),
            _ => new SandboxInjection(method, SandboxFailure.Timeout),
        });
    }

    /// <summary>
    /// Within the contract's steps every money call is made once on its own reservation or invoice (a split of the main
    /// reservation may come more than once: each capture by amount splits off its own).
    /// </summary>
    protected override IReadOnlyList<string> DoubleExecutions() =>
        [.. Klarna.Executions().Where(e => e.Method is not ("reserve_amount" or "split_reservation")).GroupBy(e => (e.Method, e.Target)).Where(g => g.Count() > 1).Select(g => $"{g.Key.Method} on {g.Key.Target} carried out {g.Count()} times")];

    /// <summary>What an operator who looked the order up in Klarna Online answers.</summary>
    protected override async Task<OperationOutcome> ReconcileAsync(Guid transactionId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId);
        var operation = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == transaction.ActiveOperationId);
        if (operation.Kind == OperationKind.Capture)
        {
            var ours = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == transactionId).Select(i => i.InvoiceNumber).ToListAsync();
            var made = (await sandbox.OrderAsync(transaction.OrderNumber)).SelectMany(r => r.Invoices).Select(i => i.InvoiceNumber).FirstOrDefault(n => !ours.Contains(n));
            return await Transactions.ReconcileAsync(Clerk, transactionId, invoiceNumber: made, happened: made is null ? false : null);
        }
        var happened = Klarna.Executions().Any(e => e.Method == "return_amount" && e.Target == operation.InvoiceNumber);
        return await Transactions.ReconcileAsync(Clerk, transactionId, happened: happened);
    }
}
