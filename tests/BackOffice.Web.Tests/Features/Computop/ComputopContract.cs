using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>
/// The provider contract against Computop Paygate's sandbox over real HTTP. What is unknown is reconciled without a
/// person, by an inquiry and a repeat with the same ReqId.
/// </summary>
public sealed class ComputopContract(ITestOutputHelper output) : ProviderContract(output)
{
    private static readonly int[] RefusalCodes = [29990001, 29990005, 40010001];

    private readonly BackOfficeAppFactory app = new() { Settings = { ["Computop:Timeout"] = "00:00:02" } };

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "Klarna Payments through Computop";

    protected override int FaultsHit => app.Sandbox().Traffic.FaultsHit;

    public override Task InitializeAsync()
    {
        app.StartOnLoopback();
        return Task.CompletedTask;
    }

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => app.AuthorizeAsync(orderNumber);

    protected override Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId) => app.DisagreementsAsync(transactionId);

    protected override void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books)
    {
        var page = command switch
        {
            ContractCommand.CaptureWhole or ContractCommand.CaptureAmount or ContractCommand.CaptureLines or ContractCommand.CaptureFinal or ContractCommand.BulkCapture => "capture",
            ContractCommand.RefundWhole or ContractCommand.RefundAmount or ContractCommand.RefundLines => "credit",
            ContractCommand.Cancel or ContractCommand.BulkCancel => "reverse",
            ContractCommand.EditLines => "KlarnaPayments",
            _ => "inquire",
        };
        app.Sandbox().Traffic.Inject(Injection(page, fault, variant, RefusalCodes[variant % RefusalCodes.Length]));
    }

    protected override void ClearFailures() => app.Sandbox().Traffic.ClearInjections();

    protected override Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions) => Task.FromResult(app.DoubleActions());

    /// <summary>Every ReqId of ours Paygate carried out is a succeeded operation's.</summary>
    protected override async Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var operations = await db.Operations.AsNoTracking().Where(o => transactions.Contains(o.TransactionId) && o.RequestId != null).Select(o => new { o.RequestId, o.State }).ToListAsync();
        var succeeded = operations.Where(o => o.State == OperationState.Succeeded).Select(o => o.RequestId!).ToHashSet();
        var ours = operations.Select(o => o.RequestId!).ToHashSet();
        return [.. app.Sandbox().Executions.Where(e => e.ReqId is not null && ours.Contains(e.ReqId) && !succeeded.Contains(e.ReqId))
            .Select(e => $"Paygate carried out {e.Call} {e.ReqId}, which the journal does not say succeeded.")];
    }
}
