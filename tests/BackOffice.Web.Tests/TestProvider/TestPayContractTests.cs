using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>
/// What the tests' own provider shows beyond the provider contract (<see cref="TestPayContract"/>): a call that never
/// reached it, and a report of its own entering through the journal's door.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
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
    public async Task A_call_that_never_reached_the_provider_ends_failed_and_changes_nothing()
    {
        var id = await AuthorizeAsync("TP-UNREACHABLE", 10_000);
        Ledger.FailNext(OperationKind.Capture, TestPayFault.Unreachable);

        var failed = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2_500));
        var after = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2_500));

        Assert.Equal((OperationState.Failed, OperationState.Succeeded, 1), (failed.State, after.State, Ledger.FaultsHit));
        Assert.Equal((2_500L, 2_500L), ((await LoadAsync(id)).CapturedAmount, Ledger.Payment("PAY-TP-UNREACHABLE").Captured));
        Assert.Empty(Ledger.DoubleExecutions());
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

        var held = await Assert.ThrowsAsync<TransactionBusyException>(() => journal.TakeReportAsync(Expired("PAY-TP-REPORT")));
        var whileHeld = await LoadAsync(id);
        await Transactions.ReconcileAsync(Clerk, id);
        var taken = await journal.TakeReportAsync(Expired("PAY-TP-REPORT"));

        Assert.Contains("under way", held.Message, StringComparison.Ordinal);
        Assert.Equal((0L, 10_000L), (whileHeld.CapturedAmount, whileHeld.RemainingAmount));
        Assert.Equal("TestPay released the rest; now Captured", taken?.ToString());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var step = await db.Operations.AsNoTracking().Where(o => o.TransactionId == id && o.Kind == OperationKind.StatusCheck).SingleAsync();
        Assert.Equal((OperationState.Succeeded, "TestPay report", "PAY-TP-REPORT"), (step.State, step.User, step.Reference));
        Assert.Equal((3_000L, 0L), ((await LoadAsync(id)).CapturedAmount, (await LoadAsync(id)).RemainingAmount));
    }

    [Fact]
    public async Task A_change_of_state_read_before_a_settlement_is_refused_on_save_and_never_overwrites_it()
    {
        var id = await AuthorizeAsync("TP-STALE", 10_000);
        Ledger.FailNext(OperationKind.Capture, TestPayFault.AnswerLost);
        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 4_000));
        var databases = app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
        await using var stale = await databases.CreateDbContextAsync();
        var operationId = (await stale.Transactions.AsNoTracking().SingleAsync(t => t.Id == id)).ActiveOperationId!.Value;
        var read = await stale.Operations.SingleAsync(o => o.Id == operationId);

        await Transactions.ReconcileAsync(Clerk, id);
        read.FailReconciled(DateTimeOffset.UtcNow, new Message("A late finding"));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
        await using var db = await databases.CreateDbContextAsync();
        Assert.Equal(OperationState.Succeeded, (await db.Operations.AsNoTracking().SingleAsync(o => o.Id == operationId)).State);
        Assert.Equal((4_000L, 4_000L), ((await LoadAsync(id)).CapturedAmount, Ledger.Payment("PAY-TP-STALE").Captured));
    }

    [Fact]
    public async Task A_sale_paid_at_once_comes_with_its_capture_record_and_is_refunded_against_it()
    {
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var (sale, capture) = Transaction.PaidInShop(channel.Id, TestPayModule.Card, ProviderEnvironment.Test, "testpay-merchant", "PAY-TP-SALE", "CAP-1", "TP-SALE",
            "EUR", "DE", [new TransactionLine("A1", "Shirt", 2, 2_000, 19, LineFlags.IncludesVat)], new TransactionCustomer("Max Mustermann", "max@example.com", ""),
            address, address, DateTimeOffset.UtcNow);
        Ledger.Sell("PAY-TP-SALE", 4_000);
        await app.Service<OperationJournal>().OpenAsync(sale, beside => beside.Invoices.Add(capture));

        var refund = await Transactions.RefundAsync(Clerk, sale.Id, new RefundRequest("CAP-1", Amount: 1_500));

        Assert.True(refund.Succeeded, refund.Message.ToString());
        var books = await LoadAsync(sale.Id);
        Assert.Equal((TransactionState.PartRefunded, 4_000L, 1_500L, 0L), (books.State, books.CapturedAmount, books.RefundedAmount, books.RemainingAmount));
        Assert.Equal(new TestPayPayment(4_000, 4_000, 1_500), Ledger.Payment("PAY-TP-SALE"));
    }

    private async Task<Transaction> LoadAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private Task<Guid> AuthorizeAsync(string order, long amount) => TestPayOrders.AuthorizeAsync(app, order, amount);
}
