using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Contract;

/// <summary>A failure a provider's side gives the next call a command makes.</summary>
public enum ContractFault
{
    /// <summary>Refused before anything was done.</summary>
    Refused,

    /// <summary>Carried out, and the answer lost: the outcome is unknown.</summary>
    AnswerLost,

    /// <summary>Never carried out, and no answer either: the outcome is unknown.</summary>
    RequestLost,
}

/// <summary>What staff do to a transaction in the contract; a provider runs those its capabilities allow.</summary>
public enum ContractCommand
{
    CaptureWhole,
    CaptureAmount,
    CaptureLines,
    CaptureFinal,
    EditLines,
    RefundWhole,
    RefundAmount,
    RefundLines,
    Cancel,
    Extend,
    Reconcile,

    /// <summary>A batch over this transaction and the next one, as the list's bulk actions run it.</summary>
    BulkCapture,
    BulkCancel,
}

/// <summary>
/// The contract every provider module keeps, run once against each (a subclass per provider says how to authorize an
/// order, what the provider holds, how to fail the call a command makes and what it carried out twice): four fixed
/// scenarios, and the model-based fault test (<c>ProviderContract.Model.cs</c>). Each test proves its own power:
/// actions must succeed (an app that refuses everything fails it), a fault must reach the call it targets and is
/// counted, the books are held to the provider after every step, and a second execution at the provider is found.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public abstract partial class ProviderContract(ITestOutputHelper output) : IAsyncLifetime
{
    protected abstract BackOfficeAppFactory App { get; }

    /// <summary>
    /// An order the provider authorized, in the books, answering its transaction: articles A1, B2 and C3 where the
    /// provider captures and refunds lines.
    /// </summary>
    protected abstract Task<Guid> AuthorizeAsync(string orderNumber);

    /// <summary>Where the books and the provider differ about the transaction, in words; empty when they agree.</summary>
    protected abstract Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId);

    /// <summary>
    /// Makes the next call <paramref name="command"/> makes on <paramref name="books"/> fail; <paramref name="variant"/>
    /// picks among the provider's ways to fail so (codes, a timeout or a server error, one of the calls a command makes).
    /// </summary>
    protected abstract void FailNext(ContractCommand command, ContractFault fault, int variant, Transaction books);

    protected async Task FailNextAsync(ContractCommand command, ContractFault fault, Guid transactionId) => FailNext(command, fault, 0, await BooksAsync(transactionId));

    /// <summary>
    /// The sandbox failure a fault comes to on <paramref name="method"/>: a refusal with <paramref name="refusalCode"/>, or
    /// a lost answer before the call is carried out or after: mostly a dropped line, one variant in three a server error
    /// and one in six a timeout (which waits the client's whole timeout, so the dedicated tests take it further).
    /// </summary>
    internal static SandboxInjection Injection(string method, ContractFault fault, int variant, int refusalCode)
    {
        var failure = (variant % 6) switch
        {
            0 => SandboxFailure.Timeout,
            2 or 5 => SandboxFailure.ServerError,
            _ => SandboxFailure.Drop,
        };
        return fault switch
        {
            ContractFault.Refused => new SandboxInjection(method, SandboxFailure.Fault, refusalCode),
            ContractFault.AnswerLost => new SandboxInjection(method, failure, AfterExecution: true),
            _ => new SandboxInjection(method, failure),
        };
    }

    /// <summary>Forgets the failures not met yet.</summary>
    protected abstract void ClearFailures();

    protected abstract int FaultsHit { get; }

    /// <summary>Every request about these transactions the provider carried out more often than the journal meant.</summary>
    protected abstract Task<IReadOnlyList<string>> DoubleExecutionsAsync(IReadOnlyList<Guid> transactions);

    /// <summary>Every call about these transactions the provider carried out that the journal does not say succeeded, and the reverse.</summary>
    protected abstract Task<IReadOnlyList<string>> JournalMismatchesAsync(IReadOnlyList<Guid> transactions);

    protected System.Security.Claims.ClaimsPrincipal Clerk => App.Staff(Roles.Operator, "clerk@test.local");

    /// <summary>
    /// Settles the operation of unknown outcome as an operator would; a provider that cannot tell is answered from its
    /// side. Null when nothing waits.
    /// </summary>
    protected virtual async Task<OperationOutcome?> ReconcileAsync(System.Security.Claims.ClaimsPrincipal user, Guid transactionId) =>
        await Transactions.ReconcileAsync(user, transactionId);

    protected TransactionService Transactions => App.Service<TransactionService>();

    /// <summary>
    /// How long the provider may take to decide an action it took (a refund ECommPay decides later by callback): the
    /// contract waits that long for its report before it reconciles. Zero for providers that answer at once.
    /// </summary>
    protected virtual TimeSpan DecidesWithin => TimeSpan.Zero;

    /// <summary>The outcome of an action once the provider has decided it: waits up to <see cref="DecidesWithin"/> for its report.</summary>
    protected async Task<OperationOutcome> DecidedAsync(OperationOutcome outcome)
    {
        var until = DateTime.UtcNow + DecidesWithin;
        while (outcome.State == OperationState.Unknown && DateTime.UtcNow < until)
        {
            await Task.Delay(25);
            await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            var state = await db.Operations.Where(o => o.Id == outcome.OperationId).Select(o => o.State).SingleAsync();
            outcome = outcome with { State = state };
        }
        return outcome;
    }

    /// <summary>A capture of <paramref name="amount"/> where the provider captures; a sale's own capture record where it was paid at once.</summary>
    private async Task<OperationOutcome> CapturedAsync(Guid id, long amount)
    {
        if ((await BooksAsync(id)).Capabilities.HasFlag(Capabilities.CaptureAmount))
            return await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: amount));
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var sale = await db.Invoices.AsNoTracking().SingleAsync(i => i.TransactionId == id);
        return new OperationOutcome(Guid.Empty, OperationState.Succeeded, new Message("Paid at once."), sale.InvoiceNumber);
    }

    private async Task<bool> CapturesAsync(Guid id) => (await BooksAsync(id)).Capabilities.HasFlag(Capabilities.CaptureAmount);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();

    [Fact]
    public async Task A_capture_a_refund_and_a_cancellation_succeed_with_the_books_equal_to_the_provider()
    {
        var id = await AuthorizeAsync("CONTRACT-1");
        var third = (await BooksAsync(id)).AuthorizedAmount / 3;
        var captures = await CapturesAsync(id);

        var capture = await CapturedAsync(id, third);
        await AssertAgreeAsync(id);
        var refund = await DecidedAsync(await Transactions.RefundAsync(Clerk, id, new RefundRequest(capture.InvoiceNumber!, Amount: third / 2)));
        await AssertAgreeAsync(id);
        var cancel = captures ? await Transactions.CancelAsync(Clerk, id) : capture;

        Assert.Equal((OperationState.Succeeded, OperationState.Succeeded, OperationState.Succeeded), (capture.State, refund.State, cancel.State));
        var books = await AssertAgreeAsync(id);
        Assert.Equal((captures ? third : books.AuthorizedAmount, third / 2, 0L), (books.CapturedAmount, books.RefundedAmount, books.RemainingAmount));
        Assert.Equal(0, FaultsHit);
    }

    [Fact]
    public async Task A_refused_capture_ends_failed_changes_nothing_and_the_next_one_goes_through()
    {
        var id = await AuthorizeAsync("CONTRACT-2");
        var third = (await BooksAsync(id)).AuthorizedAmount / 3;
        if (!await CapturesAsync(id))
        {
            // A sale has no capture to refuse: its refund is refused instead.
            var sale = (await CapturedAsync(id, third)).InvoiceNumber!;
            await FailNextAsync(ContractCommand.RefundAmount, ContractFault.Refused, id);
            var refusedRefund = await Transactions.RefundAsync(Clerk, id, new RefundRequest(sale, Amount: third));
            var unchangedSale = await AssertAgreeAsync(id);
            var nextRefund = await DecidedAsync(await Transactions.RefundAsync(Clerk, id, new RefundRequest(sale, Amount: third)));
            Assert.Equal((OperationState.Failed, OperationState.Succeeded, 0L), (refusedRefund.State, nextRefund.State, unchangedSale.RefundedAmount));
            Assert.Equal(1, FaultsHit);
            Assert.Equal(third, (await AssertAgreeAsync(id)).RefundedAmount);
            return;
        }
        await FailNextAsync(ContractCommand.CaptureAmount, ContractFault.Refused, id);

        var refused = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: third));
        var unchanged = await AssertAgreeAsync(id);
        var next = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: third));

        Assert.Equal((OperationState.Failed, OperationState.Succeeded, 0L), (refused.State, next.State, unchanged.CapturedAmount));
        Assert.Equal(1, FaultsHit);
        Assert.Equal(third, (await AssertAgreeAsync(id)).CapturedAmount);
    }

    [Fact]
    public async Task A_capture_whose_answer_was_lost_holds_the_transaction_until_reconciled_and_is_carried_out_once()
    {
        var id = await AuthorizeAsync("CONTRACT-3");
        var third = (await BooksAsync(id)).AuthorizedAmount / 3;
        var captures = await CapturesAsync(id);
        var sale = captures ? null : (await CapturedAsync(id, third)).InvoiceNumber;
        await FailNextAsync(captures ? ContractCommand.CaptureAmount : ContractCommand.RefundAmount, ContractFault.AnswerLost, id);

        var lost = captures ? await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: third)) : await Transactions.RefundAsync(Clerk, id, new RefundRequest(sale!, Amount: third));
        // Held until it is settled: by a person's reconciling, or by the provider's own report where it decides later.
        if (DecidesWithin == TimeSpan.Zero)
            await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: third)));
        var decided = await DecidedAsync(lost);
        var reconciled = decided.State == OperationState.Unknown ? await DecidedAsync((await ReconcileAsync(Clerk, id))!) : decided;

        // A provider that decides by itself may have settled it before the lost answer's time ran out.
        Assert.Equal(OperationState.Succeeded, reconciled.State);
        Assert.True(lost.State == OperationState.Unknown || DecidesWithin > TimeSpan.Zero && lost.State == OperationState.Succeeded, $"The lost call ended {lost.State}.");
        Assert.Equal(1, FaultsHit);
        var books = await AssertAgreeAsync(id);
        Assert.Equal(third, captures ? books.CapturedAmount : books.RefundedAmount);
    }

    [Fact]
    public async Task A_refund_that_never_arrived_is_settled_by_reconciling_and_the_books_follow_the_provider()
    {
        var id = await AuthorizeAsync("CONTRACT-4");
        var capture = await CapturesAsync(id) ? await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining()) : await CapturedAsync(id, 0);
        await FailNextAsync(ContractCommand.RefundAmount, ContractFault.RequestLost, id);

        var lost = await Transactions.RefundAsync(Clerk, id, new RefundRequest(capture.InvoiceNumber!, Amount: 100));
        var reconciled = await DecidedAsync((await ReconcileAsync(Clerk, id))!);

        Assert.Equal(OperationState.Unknown, lost.State);
        Assert.NotEqual(OperationState.Unknown, reconciled.State);
        Assert.Equal(1, FaultsHit);
        var books = await AssertAgreeAsync(id);
        Assert.Equal(reconciled.Succeeded ? 100 : 0, books.RefundedAmount);
    }

    protected async Task<Transaction> BooksAsync(Guid id)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<Transaction> AssertAgreeAsync(Guid id)
    {
        var problems = await DisagreementsAsync(id);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Empty(await DoubleExecutionsAsync([id]));
        Assert.Empty(await JournalMismatchesAsync([id]));
        return await BooksAsync(id);
    }
}
