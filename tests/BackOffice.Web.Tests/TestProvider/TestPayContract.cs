using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>The provider contract against the tests' own provider, added to the app from outside.</summary>
public sealed class TestPayContract : ProviderContract
{
    private readonly BackOfficeAppFactory app = new();

    public TestPayContract() => app.TestServices.Add(services => new TestPayModule().AddServices(services));

    protected override BackOfficeAppFactory App => app;

    private TestPayLedger Ledger => app.Service<TestPayLedger>();

    protected override int FaultsHit => Ledger.FaultsHit;

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => TestPayOrders.AuthorizeAsync(app, orderNumber, 10_000);

    protected override async Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId)
    {
        var books = await BooksAsync(transactionId);
        var payment = Ledger.Payment(books.ReservationNumber);
        var (ours, theirs) = ((books.CapturedAmount, books.RefundedAmount, books.IsOpen ? books.RemainingAmount : 0),
            (payment.Captured, payment.Refunded, payment.Authorized - payment.Captured - payment.Released));
        return ours == theirs ? [] : [$"{books.OrderNumber}: the books say captured, refunded, open {ours}; TestPay {theirs}."];
    }

    protected override void FailNext(OperationKind kind, ContractFault fault) => Ledger.FailNext(kind, fault switch
    {
        ContractFault.Refused => TestPayFault.Refused,
        ContractFault.AnswerLost => TestPayFault.AnswerLost,
        _ => TestPayFault.RequestLost,
    });

    protected override IReadOnlyList<string> DoubleExecutions() => Ledger.DoubleExecutions();
}
