using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>
/// Klarna Payments through Computop end to end: an order authorized in the shop arrives by Paygate's notification, and
/// every money action goes through the same journal to the in-process sandbox over real HTTP. After each, the books
/// are held against the sandbox's payment, and no ReqId is carried out twice.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>); each begins with no transaction, notification or audit entry, and the
/// sandbox emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ComputopMoneyTests(ComputopMoneyTests.App shared) : IClassFixture<ComputopMoneyTests.App>, IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");
    private readonly BackOfficeAppFactory app = shared.Factory;

    public sealed class App : IAsyncLifetime
    {
        public BackOfficeAppFactory Factory { get; } = new() { Settings = { ["Computop:Timeout"] = "00:00:02" } };

        public Task InitializeAsync()
        {
            Factory.StartOnLoopback();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    /// <summary>What the test before stored and left in the sandbox is gone: the status poller here sweeps every transaction.</summary>
    public Task InitializeAsync() => app.StartAfreshAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private TransactionService Transactions => app.Service<TransactionService>();

    [Fact]
    public async Task An_authorization_paygate_notifies_becomes_an_authorized_transaction_with_its_references()
    {
        var id = await app.AuthorizeAsync("KP-1");

        var (transaction, _, _) = await LoadAsync(id);
        var payment = app.Sandbox().Find(transaction.Reference)!;
        Assert.Equal((ComputopModule.KlarnaPayments, TransactionState.Authorized, 3_549L, "EUR", "KP-1"),
            (transaction.Service, transaction.State, transaction.AuthorizedAmount, transaction.Currency, transaction.OrderNumber));
        Assert.Equal((payment.TransId, payment.MerchantId), (transaction.ProviderOrderId, transaction.Merchant));
        Assert.Equal(["A1", "B2", "C3"], transaction.Lines.Select(l => l.ArticleNumber));
        Assert.Equal(7m, transaction.Lines[2].VatPercent);
        Assert.Equal(("Max Mustermann", "Düsseldorf"), (transaction.Customer.Name, transaction.BillingAddress.City));
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task Capturing_lines_then_everything_and_refunding_keep_the_books_equal_to_paygate_with_a_req_id_and_xid_on_each_step()
    {
        var id = await app.AuthorizeAsync("KP-2");

        var lines = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Lines: [new LineQuantity("A1", 1)]));
        var rest = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());
        var refundLines = await Transactions.RefundAsync(Clerk, id, new RefundRequest(rest.InvoiceNumber!, Lines: [new LineQuantity("C3", 2)]));
        var refundAmount = await Transactions.RefundAsync(Clerk, id, new RefundRequest(lines.InvoiceNumber!, Amount: 400));

        Assert.All<OperationOutcome>([lines, rest, refundLines, refundAmount], o => Assert.True(o.Succeeded, o.Message.ToString()));
        var (transaction, invoices, operations) = await LoadAsync(id);
        Assert.Equal((TransactionState.PartRefunded, 3_549L, 666L + 400), (transaction.State, transaction.CapturedAmount, transaction.RefundedAmount));
        Assert.Equal([1_000L, 2_549L], invoices.OrderBy(i => i.Amount).Select(i => i.Amount));
        Assert.All(operations, o => Assert.Equal((32, 1), (o.RequestId?.Length, o.Sends)));
        Assert.Equal(app.Sandbox().Executions.Select(e => e.XId).Order(), operations.Select(o => o.ProviderReference).Order());
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_final_capture_releases_what_remains_with_it_and_one_of_everything_is_refused()
    {
        var id = await app.AuthorizeAsync("KP-3");

        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 3_549, Final: true)));
        var outcome = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2_000, Final: true, Reason: "the cap is sold out"));

        Assert.Equal("Nothing would remain to release: capture everything instead.", refused.Message);
        Assert.True(outcome.Succeeded, outcome.Message.ToString());
        Assert.Contains("The remaining EUR\u00A015.49 is released.", outcome.Message.ToString(), StringComparison.Ordinal);
        var (transaction, _, _) = await LoadAsync(id);
        var payment = app.Sandbox().Find(transaction.Reference)!;
        Assert.Equal((TransactionState.Captured, 2_000L, 2_000L), (transaction.State, transaction.CapturedAmount, transaction.ReservedAmount));
        Assert.Equal((BackOffice.Computop.Sandbox.SandboxPaymentState.Completed, 1_549L), (payment.State, payment.Released));
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task Cancel_reverses_the_authorization_and_after_a_part_capture_only_the_rest()
    {
        var whole = await app.AuthorizeAsync("KP-4");
        var part = await app.AuthorizeAsync("KP-5");
        await Transactions.CaptureAsync(Clerk, part, new CaptureRequest(Amount: 1_000));

        var cancelled = await Transactions.CancelAsync(Clerk, whole, "customer cancelled");
        var released = await Transactions.CancelAsync(Clerk, part);

        Assert.True(cancelled.Succeeded && released.Succeeded, $"{cancelled.Message} {released.Message}");
        Assert.Equal(TransactionState.Cancelled, (await LoadAsync(whole)).Transaction.State);
        Assert.Equal(TransactionState.Captured, (await LoadAsync(part)).Transaction.State);
        await app.AssertBooksAgreeAsync(whole);
        await app.AssertBooksAgreeAsync(part);
    }

    [Fact]
    public async Task Edit_lines_lowers_the_order_at_paygate_and_the_order_number_changes_only_before_a_capture()
    {
        var id = await app.AuthorizeAsync("KP-6");

        var edited = await Transactions.EditLinesAsync(Clerk, id, [new LineQuantity("C3", 1)]);
        var renamed = await Transactions.ChangeOrderNumberAsync(Clerk, id, "KP-6-NEW");
        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 500));
        var afterCapture = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ChangeOrderNumberAsync(Clerk, id, "KP-6-LATER"));

        Assert.True(edited.Succeeded && renamed.Succeeded, $"{edited.Message} {renamed.Message}");
        var (transaction, _, _) = await LoadAsync(id);
        var payment = app.Sandbox().Find(transaction.Reference)!;
        Assert.Equal((2_883L, "KP-6-NEW"), (transaction.ReservedAmount, transaction.OrderNumber));
        Assert.Equal((2_883L, "KP-6-NEW"), (payment.Authorized, payment.RefNr));
        Assert.Contains("cannot be changed", afterCapture.Message, StringComparison.Ordinal);
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task What_computop_cannot_do_is_refused_before_anything_is_sent()
    {
        var id = await app.AuthorizeAsync("KP-7");
        var capture = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());
        var address = (await LoadAsync(id)).Transaction.BillingAddress;
        var calls = app.Sandbox().Traffic.Calls.Values.Sum();

        var extend = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ExtendExpiryAsync(Clerk, id));
        var readdress = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ChangeAddressAsync(Clerk, id, address, address));
        var due = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ExtendDueDateAsync(Clerk, id, capture.InvoiceNumber!, 10));

        var bulk = await app.Service<BulkActions>().PlanAsync(Clerk, BulkAction.ExtendExpiry, [id]);

        Assert.All<BusinessRuleException>([extend, readdress, due], e => Assert.StartsWith("Klarna Payments (Computop) cannot do this", e.Message, StringComparison.Ordinal));
        Assert.StartsWith("Klarna Payments (Computop) cannot do this", Assert.Single(bulk.LeftOut).LeftOut!.ToString(), StringComparison.Ordinal);
        Assert.Equal(calls, app.Sandbox().Traffic.Calls.Values.Sum());
        Assert.False((await LoadAsync(id)).Transaction.Has(Web.Features.Payments.Capabilities.ExtendExpiry));
    }

    [Fact]
    public async Task A_capture_whose_answer_is_lost_after_paygate_did_it_is_settled_by_an_inquiry_and_a_repeat_with_the_same_req_id()
    {
        var id = await app.AuthorizeAsync("KP-8");
        app.Sandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Timeout, AfterExecution: true));

        var lost = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1_500));
        var blocked = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 100)));
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal(OperationState.Unknown, lost.State);
        Assert.Contains("reconcile it first", blocked.Message, StringComparison.Ordinal);
        Assert.True(reconciled.Succeeded, reconciled.Message.ToString());
        var (transaction, invoices, operations) = await LoadAsync(id);
        var capture = Assert.Single(operations);
        var executed = Assert.Single(app.Sandbox().Executions, e => e.Call == "capture");
        Assert.Equal((2, capture.RequestId, executed.XId), (capture.Sends, executed.ReqId, capture.ProviderReference));
        Assert.Contains("happened", capture.Detail!.ToString(), StringComparison.Ordinal);
        Assert.Contains(capture.RequestId!, capture.Detail!.ToString(), StringComparison.Ordinal);
        Assert.Equal((1_500L, TransactionState.PartCaptured), (Assert.Single(invoices).Amount, transaction.State));
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_refund_that_never_reached_paygate_is_sent_again_with_its_req_id_and_carried_out_once()
    {
        var id = await app.AuthorizeAsync("KP-9");
        var invoice = (await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).InvoiceNumber!;
        app.Sandbox().Traffic.Inject(new SandboxInjection("credit", SandboxFailure.ServerError));

        var lost = await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Amount: 883));
        var executedBefore = app.Sandbox().Executions.Count(e => e.Call == "credit");
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal((OperationState.Unknown, 0), (lost.State, executedBefore));
        Assert.True(reconciled.Succeeded, reconciled.Message.ToString());
        var refund = (await LoadAsync(id)).Operations.Single(o => o.Kind == OperationKind.Refund);
        Assert.Equal(2, refund.Sends);
        Assert.Contains("did not happen", refund.Detail!.ToString(), StringComparison.Ordinal);
        Assert.Single(app.Sandbox().Executions, e => e.Call == "credit");
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_refund_paygate_did_stays_unknown_when_the_repeat_that_fetches_its_answer_is_refused()
    {
        var id = await app.AuthorizeAsync("KP-11");
        var invoice = (await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).InvoiceNumber!;
        app.Sandbox().Traffic.Inject(new SandboxInjection("credit", SandboxFailure.ServerError, AfterExecution: true));
        await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Amount: 700));
        app.Sandbox().Traffic.Inject(new SandboxInjection("credit", SandboxFailure.Fault, 29990005));

        var refused = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal(OperationState.Unknown, refused.State);
        Assert.Contains("refused", refused.Message.ToString(), StringComparison.Ordinal);
        var (transaction, _, _) = await LoadAsync(id);
        Assert.Equal((0L, refused.OperationId), (transaction.RefundedAmount, transaction.ActiveOperationId));

        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.True(reconciled.Succeeded, reconciled.Message.ToString());
        Assert.Equal(700L, (await LoadAsync(id)).Transaction.RefundedAmount);
        Assert.Single(app.Sandbox().Executions, e => e.Call == "credit");
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_refusal_ends_the_operation_with_paygates_code_and_changes_nothing()
    {
        var id = await app.AuthorizeAsync("KP-10");
        app.Sandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Fault, 29990001));

        var outcome = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        Assert.Equal((OperationState.Failed, 29990001), (outcome.State, outcome.FaultCode));
        Assert.StartsWith("Computop refused it", outcome.Message.ToString(), StringComparison.Ordinal);
        var (transaction, invoices, _) = await LoadAsync(id);
        Assert.Equal((TransactionState.Authorized, null, 0), (transaction.State, transaction.ActiveOperationId, invoices.Count));
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_pending_answer_is_told_as_pending_not_as_lost_and_reconciling_settles_it()
    {
        var id = await app.AuthorizeAsync("KP-11");
        app.Sandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Fault, 60000001));

        var outcome = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        Assert.Equal(OperationState.Unknown, outcome.State);
        Assert.StartsWith("Computop answered that it is pending", outcome.Message.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("never arrived", outcome.Message.ToString(), StringComparison.Ordinal);
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);
        Assert.True(reconciled.Succeeded, reconciled.Message.ToString());
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task The_status_job_settles_a_computop_operation_of_unknown_outcome_by_itself()
    {
        var id = await app.AuthorizeAsync("KP-11");
        app.Sandbox().Traffic.Inject(new SandboxInjection("reverse", SandboxFailure.ServerError, AfterExecution: true));
        Assert.Equal(OperationState.Unknown, (await Transactions.CancelAsync(Clerk, id)).State);

        var run = await app.Service<PendingStatusPoller>().RunAsync("test", CancellationToken.None);

        Assert.NotNull(run);
        var (transaction, _, operations) = await LoadAsync(id);
        Assert.Equal((TransactionState.Cancelled, null), (transaction.State, transaction.ActiveOperationId));
        Assert.Equal(PendingStatusPoller.SystemUser, Assert.Single(app.Service<IDbContextFactory<BackOfficeDbContext>>().CreateDbContext().AuditEntries
            .Where(e => e.Action == "Reconciled Cancel" && e.Succeeded).ToList()).User);
        Assert.Equal(2, Assert.Single(operations).Sends);
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task The_list_finds_a_computop_order_by_its_pay_id_and_the_csv_carries_it_as_the_reference()
    {
        var id = await app.AuthorizeAsync("KP-12");
        var payId = (await LoadAsync(id)).Transaction.Reference;
        var query = app.Service<TransactionQuery>();

        var found = await query.PageAsync(new TransactionSearch(Text: payId), TransactionPageRequest.First(10));
        var filtered = await query.PageAsync(new TransactionSearch(Service: ComputopModule.KlarnaPayments), TransactionPageRequest.First(10));
        using var csv = new MemoryStream();
        await query.WriteCsvAsync(new TransactionSearch(Text: "KP-12"), csv, CsvFormat.For(System.Globalization.CultureInfo.InvariantCulture, "Comma"));

        Assert.Equal(["KP-12"], found.Rows.Select(r => r.OrderNumber));
        Assert.Contains(filtered.Rows, r => r.OrderNumber == "KP-12");
        var row = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split('\n')[1];
        Assert.StartsWith($"KP-12,{payId},demo-computop,KlarnaPayments,", row.TrimStart('\uFEFF'), StringComparison.Ordinal);
    }

    private async Task<(Transaction Transaction, List<Invoice> Invoices, List<Operation> Operations)> LoadAsync(Guid id)
    {
        await using var db = await app.Service<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return (await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id),
            await db.Invoices.AsNoTracking().Where(i => i.TransactionId == id).ToListAsync(),
            await db.Operations.AsNoTracking().Where(o => o.TransactionId == id).OrderBy(o => o.RequestedAt).ToListAsync());
    }
}
