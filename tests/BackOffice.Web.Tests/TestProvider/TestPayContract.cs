using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>The provider contract against the tests' own provider, added to the app from outside.</summary>
public sealed class TestPayContract : ProviderContract
{
    private readonly BackOfficeAppFactory app = new();

    public TestPayContract(ITestOutputHelper output) : base(output) => app.TestServices.Add(services => new TestPayModule().AddServices(services));

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "TestPay";

    private TestPayLedger Ledger => app.Service<TestPayLedger>();

    protected override int FaultsHit => Ledger.FaultsHit;

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => TestPayOrders.AuthorizeAsync(app, orderNumber, 10_000);

    protected override async Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId)
    {
        var books = await BooksAsync(transactionId);
        var payment = Ledger.Payment(books.Reference);
        var (ours, theirs) = ((books.CapturedAmount, books.RefundedAmount, books.IsOpen ? books.RemainingAmount : 0),
            (payment.Captured, payment.Refunded, payment.Authorized - payment.Captured - payment.Released));
        return ours == theirs ? [] : [$"{books.OrderNumber}: the books say captured, refunded, open {ours}; TestPay {theirs}."];
    }

    /// <summary>TestPay's inquiry cannot fail: a reconcile meets no fault.</summary>
    protected override void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books)
    {
        OperationKind? kind = command switch
        {
            ContractCommand.CaptureWhole or ContractCommand.CaptureAmount or ContractCommand.BulkCapture => OperationKind.Capture,
            ContractCommand.RefundWhole or ContractCommand.RefundAmount => OperationKind.Refund,
            ContractCommand.Cancel or ContractCommand.BulkCancel => OperationKind.Cancel,
            _ => null,
        };
        if (kind is { } targeted)
        {
            Ledger.FailNext(targeted, fault switch
            {
                ContractFault.Refused => variant % 2 == 0 ? TestPayFault.Refused : TestPayFault.Unreachable,
                ContractFault.AnswerLost => TestPayFault.AnswerLost,
                _ => TestPayFault.RequestLost,
            });
        }
    }

    protected override void ClearFailures() => Ledger.ClearFailures();

    protected override Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions) => Task.FromResult(Ledger.DoubleExecutions());

    /// <summary>The operations TestPay carried out are exactly the journal's succeeded ones.</summary>
    protected override async Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var operations = await db.Operations.AsNoTracking().Where(o => transactions.Contains(o.TransactionId)).Select(o => new { o.Id, o.Kind, o.State }).ToListAsync();
        var executed = Ledger.Executed();
        return [.. operations.Where(o => executed.Contains(o.Id) != (o.State == OperationState.Succeeded))
            .Select(o => $"{o.Kind} {o.Id}: the journal says {o.State}, TestPay {(executed.Contains(o.Id) ? "carried it out" : "did not")}.")];
    }
}
