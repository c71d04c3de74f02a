using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>
/// A provider added from outside the app (<see cref="TestPayModule"/>) takes the money actions through the common
/// journal: after every action and fault the books equal the provider's ledger, a fault reaches the call it targets,
/// and no request is carried out twice.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TestPayContractTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private TransactionService Transactions => app.Service<TransactionService>();

    private TestPayLedger Ledger => app.Service<TestPayLedger>();

    public Task InitializeAsync()
    {
        app.TestServices.Add(services => new TestPayModule().AddServices(services));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Captures_a_refund_and_a_cancellation_keep_the_books_equal_to_the_ledger()
    {
        var id = await AuthorizeAsync("TP-1", 10_000);

        var part = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 4_000));
        await AssertBooksAgreeAsync(id);
        var refund = await Transactions.RefundAsync(Clerk, id, new RefundRequest(part.InvoiceNumber!, Amount: 1_500));
        var cancel = await Transactions.CancelAsync(Clerk, id);

        Assert.True(part.Succeeded && refund.Succeeded && cancel.Succeeded, $"{part.Message} / {refund.Message} / {cancel.Message}");
        var books = await AssertBooksAgreeAsync(id);
        Assert.Equal((TransactionState.PartRefunded, 4_000L, 1_500L, 0L), (books.State, books.CapturedAmount, books.RefundedAmount, books.RemainingAmount));
        Assert.Equal(new TestPayPayment(10_000, 4_000, 1_500, 6_000), Ledger.Payment(books.ReservationNumber));
        Assert.All(Ledger.Executions(), n => Assert.Equal(1, n));
    }

    [Theory]
    [InlineData(TestPayFault.Refused)]
    [InlineData(TestPayFault.Unreachable)]
    public async Task A_call_refused_or_not_reached_ends_failed_and_changes_nothing(TestPayFault fault)
    {
        var id = await AuthorizeAsync($"TP-{fault}", 10_000);
        Ledger.FailNext(OperationKind.Capture, fault);

        var failed = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2_500));
        var after = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2_500));

        Assert.Equal((OperationState.Failed, OperationState.Succeeded), (failed.State, after.State));
        Assert.Equal(1, Ledger.FaultsHit);
        var books = await AssertBooksAgreeAsync(id);
        Assert.Equal(2_500, books.CapturedAmount);
    }

    [Fact]
    public async Task A_lost_answer_leaves_the_outcome_unknown_until_reconciled_and_the_request_is_never_sent_twice()
    {
        var id = await AuthorizeAsync("TP-LOST", 10_000);
        Ledger.FailNext(OperationKind.Capture, TestPayFault.AnswerLost);

        var unknown = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 3_000));
        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1_000)));
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal(OperationState.Unknown, unknown.State);
        Assert.Contains("reconcile", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(reconciled.Succeeded, reconciled.Message.ToString());
        var books = await AssertBooksAgreeAsync(id);
        Assert.Equal((3_000L, 1), (books.CapturedAmount, Ledger.FaultsHit));
        Assert.All(Ledger.Executions(), n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_refund_of_unknown_outcome_that_never_happened_reconciles_to_failed_and_can_then_be_made()
    {
        var id = await AuthorizeAsync("TP-NOT", 10_000);
        var capture = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());
        Ledger.FailNext(OperationKind.Refund, TestPayFault.RequestLost);

        var unknown = await Transactions.RefundAsync(Clerk, id, new RefundRequest(capture.InvoiceNumber!, Amount: 500));
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);
        var again = await Transactions.RefundAsync(Clerk, id, new RefundRequest(capture.InvoiceNumber!, Amount: 500));

        Assert.Equal((OperationState.Unknown, OperationState.Failed, OperationState.Succeeded), (unknown.State, reconciled.State, again.State));
        var books = await AssertBooksAgreeAsync(id);
        Assert.Equal((10_000L, 500L), (books.CapturedAmount, books.RefundedAmount));
        Assert.All(Ledger.Executions(), n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_report_of_the_provider_waits_while_an_operation_holds_the_transaction_and_then_enters_as_a_status_step()
    {
        var id = await AuthorizeAsync("TP-REPORT", 10_000);
        Ledger.FailNext(OperationKind.Capture, TestPayFault.AnswerLost);
        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 3_000));
        var journal = app.Service<OperationJournal>();
        ProviderReport Expired(string reference) => new(id, "TestPay report", reference, DateTimeOffset.UtcNow, (transaction, step, at) =>
        {
            transaction.Release(reference, expired: true);
            var change = new Message("TestPay released the rest; now {0}", transaction.State);
            step.Succeed(at, change);
            return change;
        });

        var held = await Assert.ThrowsAsync<BusinessRuleException>(() => journal.TakeReportAsync(Expired("PAY-TP-REPORT")));
        var whileHeld = await LoadAsync(id);
        await Transactions.ReconcileAsync(Clerk, id);
        var taken = await journal.TakeReportAsync(Expired("PAY-TP-REPORT"));

        Assert.Contains("under way", held.Message, StringComparison.Ordinal);
        Assert.Equal((0L, 10_000L), (whileHeld.CapturedAmount, whileHeld.RemainingAmount));
        Assert.Equal("TestPay released the rest; now Captured", taken?.ToString());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var step = await db.Operations.AsNoTracking().Where(o => o.TransactionId == id && o.Kind == OperationKind.StatusCheck).SingleAsync();
        Assert.Equal((OperationState.Succeeded, "TestPay report", "PAY-TP-REPORT"), (step.State, step.User, step.ReservationNumber));
        Assert.Equal((3_000L, 0L), ((await LoadAsync(id)).CapturedAmount, (await LoadAsync(id)).RemainingAmount));
    }

    private async Task<Transaction> LoadAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<Guid> AuthorizeAsync(string order, long amount)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var now = DateTimeOffset.UtcNow;
        var reference = $"PAY-{order}";
        var transaction = Transaction.AuthorizedInShop(channel.Id, TestPayModule.Card, ProviderEnvironment.Test, "testpay-merchant", reference, null, order,
            "EUR", "DE", amount, [new TransactionLine("A1", "Shirt", 1, amount, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Max Mustermann", "max@example.com", ""), address, address, now, now.AddDays(28));
        db.Transactions.Add(transaction);
        await db.SaveChangesAsync();
        Ledger.Authorize(reference, amount);
        return transaction.Id;
    }

    private async Task<Transaction> AssertBooksAgreeAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var books = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
        var ledger = Ledger.Payment(books.ReservationNumber);
        Assert.Equal((ledger.Captured, ledger.Refunded, ledger.Authorized - ledger.Captured - ledger.Released),
            (books.CapturedAmount, books.RefundedAmount, books.RemainingAmount));
        Assert.Equal(TestPayModule.Provider, books.Provider);
        return books;
    }
}
