using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>Every money action end to end: the service, the database and the in-process sandbox over real HTTP.</summary>
[Collection(AppCollection.Name)]
public sealed class TransactionServiceTests : IAsyncLifetime
{
    private static readonly System.Security.Claims.ClaimsPrincipal Clerk = BackOfficeAppFactory.User(Roles.Operator, "clerk@test.local");
    private static readonly KlarnaCredentials Demo = new(1395, "demo-invoice-secret-1395", KlarnaEnvironment.Test);
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Klarna:Gateway:Timeout"] = "00:00:01" } };
    private SandboxControlClient sandbox = null!;

    public Task InitializeAsync()
    {
        app.UseKestrel(0);
        app.StartServer();
        sandbox = new SandboxControlClient(new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna/") });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private TransactionService Transactions => app.Service<TransactionService>();

    [Fact]
    public async Task Capturing_everything_makes_one_invoice_and_closes_the_reservation()
    {
        var (id, rno) = await ReserveAsync();

        var outcome = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining("shipped"));

        Assert.True(outcome.Succeeded, outcome.Message);
        var (transaction, invoices, operations) = await LoadAsync(id);
        Assert.Equal((TransactionState.Captured, 2550L, 0L), (transaction.State, transaction.CapturedAmount, transaction.RemainingAmount));
        var invoice = Assert.Single(invoices);
        Assert.Equal((outcome.InvoiceNumber, 2550L), (invoice.InvoiceNumber, invoice.Amount));
        Assert.Equal([("A1", 2), ("B2", 1)], invoice.Lines.Select(l => (l.ArticleNumber, l.Quantity)));
        var operation = Assert.Single(operations);
        Assert.Equal((OperationKind.Capture, OperationState.Succeeded, "clerk@test.local", "shipped"), (operation.Kind, operation.State, operation.User, operation.Reason));
        Assert.Null(transaction.ActiveOperationId);
        Assert.Equal(2550, (await sandbox.ReservationAsync(rno))!.Activated);
    }

    [Fact]
    public async Task Capturing_lines_then_the_rest_makes_two_invoices()
    {
        var (id, rno) = await ReserveAsync();

        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Lines: [new("A1", 1)]));
        var afterFirst = (await LoadAsync(id)).Transaction;
        await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        Assert.Equal((TransactionState.PartCaptured, 1550L), (afterFirst.State, afterFirst.RemainingAmount));
        var (transaction, invoices, operations) = await LoadAsync(id);
        Assert.Equal(TransactionState.Captured, transaction.State);
        Assert.Equal([1000L, 1550L], invoices.Select(i => i.Amount).Order());
        Assert.Equal([1000L, 1550L], operations.Select(o => o.Amount));
        Assert.Equal([("A1", 1), ("B2", 1)], invoices.Single(i => i.Amount == 1550).Lines.Select(l => (l.ArticleNumber, l.Quantity)));
        Assert.Equal(2, (await sandbox.ReservationAsync(rno))!.Invoices.Count);
    }

    [Fact]
    public async Task Capturing_an_amount_splits_the_reservation_and_activates_the_split()
    {
        var (id, rno) = await ReserveAsync();

        var outcome = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 700));

        Assert.True(outcome.Succeeded, outcome.Message);
        var (transaction, invoices, _) = await LoadAsync(id);
        Assert.Equal((TransactionState.PartCaptured, 700L, 1850L), (transaction.State, transaction.CapturedAmount, transaction.RemainingAmount));
        Assert.Equal(700, Assert.Single(invoices).Amount);
        Assert.Equal(1850, (await sandbox.ReservationAsync(rno))!.Amount);
        Assert.Equal(1, await sandbox.CallsAsync("split_reservation"));
    }

    [Fact]
    public async Task Reduce_lowers_the_reservation_at_klarna_and_an_invalid_amount_never_reaches_klarna()
    {
        var (id, rno) = await ReserveAsync();

        await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ReduceAsync(Clerk, id, 2550));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ReduceAsync(Clerk, id, 0));
        var outcome = await Transactions.ReduceAsync(Clerk, id, 2000);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(1, await sandbox.CallsAsync("change_reservation"));
        Assert.Equal(2000, (await sandbox.ReservationAsync(rno))!.Amount);
        Assert.Equal(2000, (await LoadAsync(id)).Transaction.ReservedAmount);
        Assert.Single((await LoadAsync(id)).Operations);
    }

    [Fact]
    public async Task Cancel_releases_an_authorized_reservation_and_the_rest_of_a_part_captured_one()
    {
        var (authorized, rno) = await ReserveAsync();
        var (partCaptured, _) = await ReserveAsync();
        await Transactions.CaptureAsync(Clerk, partCaptured, new CaptureRequest(Lines: [new("B2", 1)]));

        await Transactions.CancelAsync(Clerk, authorized, "customer changed their mind");
        await Transactions.CancelAsync(Clerk, partCaptured);

        Assert.Equal(TransactionState.Cancelled, (await LoadAsync(authorized)).Transaction.State);
        Assert.Equal("Cancelled", (await sandbox.ReservationAsync(rno))!.State);
        var released = (await LoadAsync(partCaptured)).Transaction;
        Assert.Equal((TransactionState.Captured, 550L), (released.State, released.ReservedAmount));
    }

    [Fact]
    public async Task Refunds_by_lines_by_amount_and_the_rest_of_an_invoice()
    {
        var (id, rno) = await ReserveAsync();
        var invoice = (await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).InvoiceNumber!;

        var lines = await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Lines: [new("A1", 1)]));
        var amount = await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Amount: 300, VatPercent: 19, Reason: "scratch"));
        var partly = (await LoadAsync(id)).Transaction;
        var rest = await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice));

        Assert.All([lines, amount, rest], o => Assert.True(o.Succeeded, o.Message));
        Assert.Equal((TransactionState.PartRefunded, 1300L), (partly.State, partly.RefundedAmount));
        var (transaction, invoices, _) = await LoadAsync(id);
        Assert.Equal((TransactionState.Refunded, 2550L), (transaction.State, transaction.RefundedAmount));
        Assert.Equal(0, Assert.Single(invoices).RefundableAmount);
        Assert.Equal(2550, Assert.Single((await sandbox.ReservationAsync(rno))!.Invoices).Credited);
        await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Amount: 1)));
    }

    [Fact]
    public async Task Of_20_simultaneous_captures_exactly_one_reaches_klarna()
    {
        var (id, rno) = await ReserveAsync();
        await sandbox.SetLatencyAsync(200);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return (await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).Succeeded ? "captured" : "failed";
            }
            catch (BusinessRuleException e)
            {
                return e.Message;
            }
        }));

        Assert.Single(attempts, a => a == "captured");
        Assert.All(attempts.Where(a => a != "captured"), a => Assert.True(
            a.StartsWith("Someone else is acting", StringComparison.Ordinal) || a.StartsWith("Another action", StringComparison.Ordinal)
            || a.StartsWith("A Captured transaction", StringComparison.Ordinal), a));
        Assert.Equal(1, await sandbox.CallsAsync("activate"));
        Assert.Single((await sandbox.ReservationAsync(rno))!.Invoices);
        Assert.Single((await LoadAsync(id)).Invoices);
    }

    [Fact]
    public async Task A_timeout_leaves_the_operation_unknown_and_blocks_further_actions_without_resending()
    {
        var (id, _) = await ReserveAsync();
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Timeout, AfterExecution: true));

        var outcome = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());
        var blocked = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining()));

        Assert.Equal(OperationState.Unknown, outcome.State);
        Assert.Contains("not known whether", outcome.Message, StringComparison.Ordinal);
        Assert.StartsWith("Another action", blocked.Message, StringComparison.Ordinal);
        Assert.Equal(1, await sandbox.CallsAsync("activate"));
        var (transaction, invoices, operations) = await LoadAsync(id);
        Assert.Equal(TransactionState.Authorized, transaction.State);
        Assert.Equal(operations.Single().Id, transaction.ActiveOperationId);
        Assert.Empty(invoices);
    }

    [Fact]
    public async Task Reconcile_settles_a_capture_that_happened_from_klarnas_state_without_a_second_capture()
    {
        var (id, rno) = await ReserveAsync();
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Timeout, AfterExecution: true));
        await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        var withoutNumber = await Transactions.ReconcileAsync(Clerk, id);
        var invoiceAtKlarna = Assert.Single((await sandbox.ReservationAsync(rno))!.Invoices).InvoiceNumber;
        await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ReconcileAsync(Clerk, id, invoiceNumber: "12345678901234567"));
        var settled = await Transactions.ReconcileAsync(Clerk, id, invoiceNumber: invoiceAtKlarna);

        Assert.Equal(OperationState.Unknown, withoutNumber.State);
        Assert.Contains("reservation closed", withoutNumber.Message, StringComparison.Ordinal);
        Assert.Equal((OperationState.Succeeded, invoiceAtKlarna), (settled.State, settled.InvoiceNumber));
        Assert.Equal(1, await sandbox.CallsAsync("activate"));
        var (transaction, invoices, operations) = await LoadAsync(id);
        Assert.Equal((TransactionState.Captured, (Guid?)null), (transaction.State, transaction.ActiveOperationId));
        Assert.Equal(invoiceAtKlarna, Assert.Single(invoices).InvoiceNumber);
        Assert.Equal(OperationState.Succeeded, Assert.Single(operations).State);
    }

    [Fact]
    public async Task Reconcile_finds_a_whole_capture_that_never_happened_and_frees_the_transaction()
    {
        var (id, _) = await ReserveAsync();
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Timeout));
        await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        var settled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal(OperationState.Failed, settled.State);
        Assert.Equal(TransactionState.Authorized, (await LoadAsync(id)).Transaction.State);
        Assert.True((await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).Succeeded);
        Assert.Equal(2, await sandbox.CallsAsync("activate"));
    }

    [Fact]
    public async Task Reconcile_of_a_refund_takes_the_operators_word_after_checking_klarna_online()
    {
        var (id, _) = await ReserveAsync();
        var invoice = (await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).InvoiceNumber!;
        await sandbox.InjectAsync(new SandboxInjection("credit_part", SandboxFailure.ServerError, AfterExecution: true));
        await Transactions.RefundAsync(Clerk, id, new RefundRequest(invoice, Lines: [new("B2", 1)]));

        var asked = await Transactions.ReconcileAsync(Clerk, id);
        var settled = await Transactions.ReconcileAsync(Clerk, id, happened: true);

        Assert.Equal(OperationState.Unknown, asked.State);
        Assert.Equal(OperationState.Succeeded, settled.State);
        var (transaction, invoices, _) = await LoadAsync(id);
        Assert.Equal((TransactionState.PartRefunded, 550L), (transaction.State, transaction.RefundedAmount));
        Assert.Equal(1, Assert.Single(invoices).Lines.Single(l => l.ArticleNumber == "B2").RefundedQuantity);
        await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ReconcileAsync(Clerk, id));
    }

    [Fact]
    public async Task A_klarna_refusal_fails_the_operation_with_its_code_and_changes_nothing()
    {
        var (id, _) = await ReserveAsync();
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Fault, 2102));

        var outcome = await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining());

        Assert.Equal(OperationState.Failed, outcome.State);
        Assert.StartsWith("Klarna refused it (fault 2102)", outcome.Message, StringComparison.Ordinal);
        var (transaction, _, operations) = await LoadAsync(id);
        Assert.Equal((TransactionState.Authorized, (Guid?)null), (transaction.State, transaction.ActiveOperationId));
        Assert.Equal((2102, "amount"), (operations.Single().FaultCode, operations.Single().FaultText));
        Assert.True((await Transactions.CaptureAsync(Clerk, id, CaptureRequest.Remaining())).Succeeded);
    }

    [Fact]
    public async Task Resend_and_extend_call_klarna_and_are_journaled()
    {
        var (id, _) = await ReserveAsync();
        var extended = await Transactions.ExtendExpiryAsync(Clerk, id);
        var invoice = (await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Lines: [new("A1", 2)]))).InvoiceNumber!;

        var resent = await Transactions.ResendInvoiceAsync(Clerk, id, invoice, InvoiceShipment.EMail);

        Assert.True(extended.Succeeded, extended.Message);
        Assert.True(resent.Succeeded, resent.Message);
        Assert.Equal(1, await sandbox.CallsAsync("email_invoice"));
        Assert.Equal([OperationKind.ExtendExpiry, OperationKind.Capture, OperationKind.ResendInvoice], (await LoadAsync(id)).Operations.Select(o => o.Kind));
    }

    [Fact]
    public async Task A_viewer_cannot_move_money()
    {
        var (id, _) = await ReserveAsync();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Transactions.CaptureAsync(BackOfficeAppFactory.User(Roles.Viewer), id, CaptureRequest.Remaining()));

        Assert.Equal(0, await sandbox.CallsAsync("activate"));
    }

    /// <summary>A real reservation at the sandbox for the demo channel's invoice merchant, stored as a transaction.</summary>
    private async Task<(Guid Id, string Rno)> ReserveAsync()
    {
        var address = new KlarnaAddress { FirstName = "Max", LastName = "Mustermann", Email = "max@example.com", Street = "Hellersbergstraße 14", PostalCode = "41460", City = "Neuss", Country = KlarnaCountry.DE };
        var order = $"order-{Guid.NewGuid():N}"[..14];
        var reservation = await app.Services.GetRequiredService<IKlarnaGateway>().ReserveAmountAsync(Demo, new ReserveAmountRequest
        {
            PersonalNumber = "07071960", Amount = 2550, OrderId1 = order, ShippingAddress = address, BillingAddress = address,
            Currency = KlarnaCurrency.EUR, Country = KlarnaCountry.DE, Language = KlarnaLanguage.DE, PnoEncoding = PnoEncoding.DE,
            Goods = [new GoodsLine("A1", "Shirt", 2, 1000, 19), new GoodsLine("B2", "Cap", 1, 550, 19)],
        });
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var stored = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var transaction = new Transaction(channel.Id, ServiceKind.Invoice, KlarnaEnvironment.Test, 1395, order, reservation.ReservationNumber, reservation.Status,
            "EUR", "DE", 2550, [new("A1", "Shirt", 2, 1000, 19, GoodsFlags.IncludesVat), new("B2", "Cap", 1, 550, 19, GoodsFlags.IncludesVat)],
            new TransactionCustomer("Max Mustermann", "max@example.com", "••••1960"), stored, stored, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7));
        db.Transactions.Add(transaction);
        await db.SaveChangesAsync();
        return (transaction.Id, reservation.ReservationNumber);
    }

    private async Task<(Transaction Transaction, List<Invoice> Invoices, List<Operation> Operations)> LoadAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return (await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id),
            await db.Invoices.AsNoTracking().Where(i => i.TransactionId == id).ToListAsync(),
            await db.Operations.AsNoTracking().Where(o => o.TransactionId == id).OrderBy(o => o.RequestedAt).ToListAsync());
    }
}
