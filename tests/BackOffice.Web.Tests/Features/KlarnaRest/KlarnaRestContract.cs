using BackOffice.KlarnaRest;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>
/// The provider contract against Klarna's REST platform (the sandbox over real HTTP). What is unknown is settled
/// without a person: the order is read, and what did not take effect is sent again with the same idempotency key.
/// </summary>
public sealed class KlarnaRestContract(ITestOutputHelper output) : ProviderContract(output)
{
    private static readonly int[] RefusalStatuses = [403, 400, 422];

    private readonly BackOfficeAppFactory app = new() { Settings = { ["KlarnaRest:Timeout"] = "00:00:02" } };

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "Klarna Payments (direct)";

    protected override int FaultsHit => app.KlarnaRestSandbox().Traffic.FaultsHit;

    public override Task InitializeAsync() => app.StartWithKlarnaRestAsync();

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => app.PlaceKlarnaRestOrderAsync(orderNumber);

    /// <summary>The books against Klarna's order: amounts, the captures by id and what each says was refunded.</summary>
    protected override async Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId)
    {
        var books = await BooksAsync(transactionId);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == transactionId).ToListAsync();
        if (app.KlarnaRestSandbox().Order(books.Reference) is not { } order)
            return [$"The sandbox has no order {books.Reference}."];
        var problems = new List<string>();
        var open = books.IsOpen ? books.RemainingAmount : 0;
        if ((books.CapturedAmount, books.RefundedAmount, open) != (order.CapturedAmount, order.RefundedAmount, order.RemainingAuthorizedAmount))
            problems.Add($"{books.OrderNumber}: the books say captured {books.CapturedAmount}, refunded {books.RefundedAmount}, open {open}; " +
                $"Klarna captured {order.CapturedAmount}, refunded {order.RefundedAmount}, open {order.RemainingAuthorizedAmount} ({order.Status}).");
        if (!invoices.Select(i => i.InvoiceNumber).Order().SequenceEqual(order.Captures.Select(c => c.CaptureId).Order()))
            problems.Add($"{books.OrderNumber}: the books have captures [{string.Join(", ", invoices.Select(i => i.InvoiceNumber))}], Klarna [{string.Join(", ", order.Captures.Select(c => c.CaptureId))}].");
        if (order.OrderAmount != books.ReservedAmount && books.IsOpen)
            problems.Add($"{books.OrderNumber}: the books hold {books.ReservedAmount}, Klarna's order is for {order.OrderAmount}.");
        return problems;
    }

    protected override void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books)
    {
        var operation = command switch
        {
            ContractCommand.CaptureWhole or ContractCommand.CaptureAmount or ContractCommand.CaptureLines or ContractCommand.BulkCapture => "capture",
            ContractCommand.RefundWhole or ContractCommand.RefundAmount or ContractCommand.RefundLines => "refund",
            ContractCommand.Cancel or ContractCommand.BulkCancel => books.CapturedAmount == 0 ? "cancel" : "release",
            ContractCommand.EditLines => "update-authorization",
            ContractCommand.Extend => "extend",
            _ => "get-order",
        };
        app.KlarnaRestSandbox().Traffic.Inject(Injection(operation, fault, variant, RefusalStatuses[variant % RefusalStatuses.Length]));
    }

    protected override void ClearFailures() => app.KlarnaRestSandbox().Traffic.ClearInjections();

    /// <summary>A change Klarna carried out twice under one key, or one sent without a key (which Klarna could not keep from running twice).</summary>
    protected override async Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions)
    {
        var orders = await OrdersAsync(transactions);
        var executions = app.KlarnaRestSandbox().Executions.Where(e => orders.Contains(e.OrderId) && e.Operation != "place-order").ToList();
        return [.. executions.GroupBy(e => e.IdempotencyKey).Where(g => g.Key is not null && g.Count() > 1).Select(g => $"{g.First().Operation} with key {g.Key} carried out {g.Count()} times"),
            .. executions.Where(e => e.IdempotencyKey is null).Select(e => $"{e.Operation} on {e.OrderId} was sent without an idempotency key")];
    }

    /// <summary>Every change Klarna carried out is a succeeded operation's (by its key), and every succeeded operation's change reached Klarna.</summary>
    protected override async Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var operations = await db.Operations.AsNoTracking().Where(o => transactions.Contains(o.TransactionId)).Select(o => new { o.Id, o.Kind, o.State }).ToListAsync();
        var keys = operations.ToDictionary(o => KlarnaIdempotencyKey.For(KlarnaRestShop.Username, o.Id));
        var orders = await OrdersAsync(transactions);
        var executed = app.KlarnaRestSandbox().Executions.Where(e => orders.Contains(e.OrderId) && e.IdempotencyKey is not null).Select(e => e.IdempotencyKey!).ToHashSet();
        return [.. executed.Where(k => !keys.TryGetValue(k, out var o) || o.State != OperationState.Succeeded).Select(k => $"Klarna carried out key {k}, which the journal does not say succeeded."),
            .. keys.Where(k => k.Value.State == OperationState.Succeeded && !executed.Contains(k.Key)).Select(k => $"{k.Value.Kind} {k.Value.Id} succeeded in the journal, but Klarna never carried it out.")];
    }

    private async Task<HashSet<string>> OrdersAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return (await db.Transactions.AsNoTracking().Where(t => transactions.Contains(t.Id)).Select(t => t.Reference).ToListAsync()).ToHashSet();
    }
}
