using BackOffice.Web.Data;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Features.ECommPay;

/// <summary>
/// The providers' contract on Klarna (Sofort) via ECommPay, over HTTP against the mounted sandbox: a sale paid at once,
/// refunds that ECommPay decides by callback, and lost answers settled from ECommPay's status, resent with our refund id.
/// </summary>
public sealed class ECommPayContract(ITestOutputHelper output) : ProviderContract(output)
{
    private const string Key = "bo_test-ecommpay-contract-key";
    private static readonly int[] RefusalCodes = [3285, 3060, 20000];
    private static readonly object[] Basket =
    [
        new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 1000, vatPercent = 19 },
        new { articleNumber = "B2", title = "Cap", quantity = 1, unitPrice = 550, vatPercent = 19 },
        new { articleNumber = "C3", title = "Socks", quantity = 3, unitPrice = 333, vatPercent = 19 },
    ];

    private readonly BackOfficeAppFactory app = CreateApp();

    private static BackOfficeAppFactory CreateApp()
    {
        var app = new BackOfficeAppFactory
        {
            Settings =
            {
                ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000", ["ECommPay:Timeout"] = "00:00:01", ["ECommPay:StatusDelay"] = "00:00:00",
                ["ECommPaySandbox:RefundDelayMs"] = "50",
            },
        };
        return app;
    }

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "Klarna (Sofort) via ECommPay";

    protected override int FaultsHit => app.ECommPaySandbox().Traffic.FaultsHit;

    protected override TimeSpan DecidesWithin => TimeSpan.FromSeconds(5);

    public override Task InitializeAsync() => app.StartWithECommPayAsync();

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => app.PaySofortAsync(orderNumber, Key, Basket);

    /// <summary>The books against ECommPay's payment: what it took, what its decided refunds gave back, nothing still being decided.</summary>
    protected override async Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId)
    {
        var books = await BooksAsync(transactionId);
        if (app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, books.Reference) is not { } payment)
            return [$"The sandbox has no payment {books.Reference}."];
        var problems = new List<string>();
        if ((books.CapturedAmount, books.RefundedAmount) != (payment.Amount, payment.RefundedAmount))
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            var journal = (await db.Operations.AsNoTracking().Where(o => o.TransactionId == transactionId).ToListAsync()).OrderBy(o => o.RequestedAt)
                .Select(o => $"{o.Id:N} {o.Kind} {o.Amount} {o.State} {o.Detail}");
            var made = payment.Operations.Select(o => $"{o.MerchantRefundId} {o.Type} {o.Amount} {o.Status}");
            problems.Add($"{books.OrderNumber}: the books say paid {books.CapturedAmount}, refunded {books.RefundedAmount}; ECommPay took {payment.Amount}, refunded {payment.RefundedAmount} ({payment.Status}). " +
                $"Journal: {string.Join(" | ", journal)}. ECommPay: {string.Join(" | ", made)}.");
        }
        if (payment.PendingRefunds != 0)
            problems.Add($"{books.OrderNumber}: ECommPay still decides refunds of {payment.PendingRefunds}.");
        return problems;
    }

    protected override void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books) =>
        app.ECommPaySandbox().Traffic.Inject(Injection(command == ContractCommand.Reconcile ? "status" : "refund", fault, variant, RefusalCodes[variant % RefusalCodes.Length]));

    protected override void ClearFailures() => app.ECommPaySandbox().Traffic.ClearInjections();

    /// <summary>A refund ECommPay holds twice under one refund id, or one without our id (which nothing could keep from running twice).</summary>
    protected override async Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions) =>
        [.. (await RefundsAsync(transactions)).GroupBy(r => r.MerchantRefundId).Where(g => g.Key is null || g.Count() > 1)
            .Select(g => g.Key is null ? $"{g.Count()} refunds without our refund id" : $"refund {g.Key} held {g.Count()} times")];

    /// <summary>Every refund ECommPay made is a succeeded operation's (by our refund id), and every succeeded refund reached ECommPay.</summary>
    protected override async Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var operations = await db.Operations.AsNoTracking().Where(o => transactions.Contains(o.TransactionId) && o.Kind == OperationKind.Refund).Select(o => new { o.Id, o.State }).ToListAsync();
        var succeeded = operations.Where(o => o.State == OperationState.Succeeded).Select(o => o.Id.ToString("N")).ToHashSet();
        var made = (await RefundsAsync(transactions)).Where(r => r.Status == "success").Select(r => r.MerchantRefundId ?? "").ToHashSet();
        return [.. made.Except(succeeded).Select(id => $"ECommPay made refund {id}, which the journal does not say succeeded."),
            .. succeeded.Except(made).Select(id => $"Refund {id} succeeded in the journal, but ECommPay never made it.")];
    }

    private async Task<List<BackOffice.ECommPay.Sandbox.SandboxOperation>> RefundsAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var references = await db.Transactions.AsNoTracking().Where(t => transactions.Contains(t.Id)).Select(t => t.Reference).ToListAsync();
        return [.. references.SelectMany(r => app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, r)?.Operations ?? []).Where(o => o.Type == "refund")];
    }
}
