using System.Security.Claims;
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
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>
/// The provider contract against Klarna's legacy API (the sandbox over real XML-RPC). The legacy API cannot tell the
/// outcome of a lost call by itself: the operator answers from Klarna's side, as the sandbox shows it.
/// </summary>
public sealed class KlarnaLegacyContract(ITestOutputHelper output) : ProviderContract(output)
{
    private static readonly int[] RefusalCodes = [2102, 9103, 9119];

    private readonly BackOfficeAppFactory app = new()
    {
        Settings =
        {
            // Long enough for a reservation on a loaded machine: the faults mostly drop the line rather than wait it out.
            ["Klarna:Gateway:Timeout"] = Environment.GetEnvironmentVariable("FAULT_RUN_TIMEOUT") ?? "00:00:04",
            ["Klarna:Gateway:ReadRetryDelay"] = "00:00:00.050",
        },
    };

    private SandboxControlClient sandbox = null!;

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "Klarna legacy API";

    private KlarnaSandbox Klarna => app.Services.GetRequiredService<KlarnaSandbox>();

    private IDbContextFactory<BackOfficeDbContext> Databases => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();

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
            KlarnaCountry.DE, KlarnaCurrency.EUR, "07071960", address, address,
            [new GoodsLine("A1", "Shirt", 2, 1000, 19), new GoodsLine("B2", "Cap", 1, 550, 19), new GoodsLine("C3", "Socks", 3, 333, 19)]));
        return (await reservation.StoredAsync()).Id;
    }

    protected override Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId) => Books.DisagreementsAsync(Databases, sandbox, transactionId);

    /// <summary>A capture by amount splits first and then activates the split: an odd variant fails the split.</summary>
    protected override void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books)
    {
        var method = command switch
        {
            ContractCommand.CaptureAmount when variant % 2 == 1 => "split_reservation",
            ContractCommand.CaptureWhole or ContractCommand.CaptureAmount or ContractCommand.CaptureLines or ContractCommand.BulkCapture => "activate",
            ContractCommand.EditLines => "update",
            ContractCommand.RefundWhole => "credit_invoice",
            ContractCommand.RefundAmount => "return_amount",
            ContractCommand.RefundLines => "credit_part",
            ContractCommand.Cancel or ContractCommand.BulkCancel => "cancel_reservation",
            ContractCommand.Extend => "extend_expiry_date",
            _ => "check_order_status",
        };
        Klarna.Traffic.Inject(Injection(method, fault, variant, RefusalCodes[variant % RefusalCodes.Length]));
    }

    protected override void ClearFailures() => Klarna.Traffic.ClearInjections();

    protected override async Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions) =>
        [.. (await CallsAsync(transactions)).Where(c => c.Did > c.Meant).Select(c => $"{c.Method} on {c.Target} reached Klarna {c.Did} times; the journal meant {c.Meant}.")];

    protected override async Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions) =>
        [.. (await CallsAsync(transactions)).Where(c => c.Did < c.Meant).Select(c => $"{c.Method} on {c.Target}: the journal says {c.Meant} succeeded, Klarna carried out {c.Did}.")];

    /// <summary>
    /// What an operator who looked the order up in Klarna Online answers: a split Klarna made or not, an invoice it
    /// made or not, and for the other calls whether Klarna carried out more of them than the journal knows.
    /// </summary>
    protected override async Task<OperationOutcome?> ReconcileAsync(ClaimsPrincipal user, Guid transactionId)
    {
        await using var db = await Databases.CreateDbContextAsync();
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId);
        if (await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == transaction.ActiveOperationId) is not { } operation)
            return null;
        var order = await sandbox.OrderAsync(transaction.OrderNumber);
        if (operation.Kind == OperationKind.Capture && operation.Scope == OperationScope.Amount && operation.SplitReference is null)
        {
            var known = transaction.Splits.Select(s => s.ReservationNumber).Append(transaction.Reference).ToHashSet();
            var split = order.FirstOrDefault(r => !known.Contains(r.ReservationNumber))?.ReservationNumber;
            return await Transactions.ReconcileAsync(user, transactionId, happened: split is null ? false : null, splitReference: split);
        }
        if (operation.Kind == OperationKind.Capture)
        {
            var ours = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == transactionId).Select(i => i.InvoiceNumber).ToListAsync();
            var made = order.SelectMany(r => r.Invoices).Select(i => i.InvoiceNumber).FirstOrDefault(n => !ours.Contains(n));
            return await Transactions.ReconcileAsync(user, transactionId, invoiceNumber: made, happened: made is null ? false : null);
        }
        if (operation.Kind == OperationKind.Cancel)
            return await Transactions.ReconcileAsync(user, transactionId);
        var key = CallOf(operation);
        var succeeded = (await db.Operations.AsNoTracking().Where(o => o.TransactionId == transactionId && o.State == OperationState.Succeeded).ToListAsync())
            .Count(o => CallOf(o) == key);
        var executed = Klarna.Executions().Count(e => (e.Method, e.Target) == key);
        return await Transactions.ReconcileAsync(user, transactionId, happened: executed > succeeded);
    }

    /// <summary>Each call Klarna carried out about these transactions, with how often it did and how often the journal meant it.</summary>
    private async Task<IReadOnlyList<(string Method, string Target, int Did, int Meant)>> CallsAsync(IReadOnlyList<Guid> transactions)
    {
        var expected = new Dictionary<(string, string), int>();
        void Expect((string Method, string Target) call) => expected[call] = expected.GetValueOrDefault(call) + 1;
        var targets = new HashSet<string>();
        await using var db = await Databases.CreateDbContextAsync();
        foreach (var id in transactions)
        {
            var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
            targets.UnionWith([transaction.OrderNumber, transaction.Reference, .. transaction.Splits.Select(s => s.ReservationNumber)]);
            targets.UnionWith(await db.Invoices.AsNoTracking().Where(i => i.TransactionId == id).Select(i => i.InvoiceNumber).ToListAsync());
            Expect(("reserve_amount", transaction.OrderNumber));
            foreach (var operation in await db.Operations.AsNoTracking().Where(o => o.TransactionId == id).ToListAsync())
            {
                if (operation.Kind == OperationKind.Capture && operation.SplitReference is not null)
                    Expect(("split_reservation", operation.Reference!));
                if (operation.State == OperationState.Succeeded)
                    Expect(CallOf(operation));
            }
        }
        var executions = Klarna.Executions();
        targets.UnionWith(executions.Where(e => e.Method == "split_reservation" && targets.Contains(e.Target)).Select(e => e.Result!));
        var executed = executions.Where(e => targets.Contains(e.Target)).GroupBy(e => (e.Method, e.Target)).ToDictionary(g => g.Key, g => g.Count());
        return [.. executed.Keys.Union(expected.Keys).Select(call => (call.Item1, call.Item2, executed.GetValueOrDefault(call), expected.GetValueOrDefault(call)))];
    }

    /// <summary>The call an operation makes to Klarna, and what it is made on.</summary>
    private static (string Method, string Target) CallOf(Operation operation) => operation.Kind switch
    {
        OperationKind.Capture => ("activate", operation.SplitReference ?? operation.Reference!),
        OperationKind.Cancel => ("cancel_reservation", operation.Reference!),
        OperationKind.EditLines => ("update", operation.Reference!),
        OperationKind.ExtendExpiry => ("extend_expiry_date", operation.Reference!),
        OperationKind.Refund => (operation.Scope switch { OperationScope.Lines => "credit_part", OperationScope.Amount => "return_amount", _ => "credit_invoice" }, operation.InvoiceNumber!),
        _ => ("email_invoice", operation.InvoiceNumber!),
    };
}
