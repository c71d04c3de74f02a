using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>
/// A provider that exists only in the tests, added the way every module is: one folder, one descriptor, a port. It
/// proves a provider plugs in without a change to the core; its provider's side is <see cref="TestPayLedger"/>.
/// </summary>
public sealed class TestPayModule : PaymentProviderModule
{
    public static readonly PaymentProvider Provider = new("TestPay");
    public static readonly ServiceKind Card = new("TestPayCard");

    public override ProviderDescriptor Descriptor { get; } = new(Provider, "TestPay", [new(Card, "TestPay card", "Card")],
        Capabilities.CaptureWhole | Capabilities.CaptureAmount | Capabilities.RefundAmount | Capabilities.Cancel)
    {
        ReferenceLabel = "Payment id",
        ReconcileDialog = typeof(TestPayReconcileDialog),
    };

    public override void AddServices(IServiceCollection services)
    {
        services.AddSingleton<TestPayLedger>();
        services.AddScoped<IPaymentPort, TestPayPort>();
    }
}

/// <summary>The module's reconcile dialog: the port asks the ledger, so there is nothing to ask the operator.</summary>
public sealed class TestPayReconcileDialog : ComponentBase;

/// <summary>TestPay's port: its actions keep the common rules; its calls go to the ledger.</summary>
public sealed class TestPayPort(TestPayLedger ledger, OperationJournal journal, IDbContextFactory<BackOfficeDbContext> databases) : IPaymentPort
{
    private const string Prefix = "Reconciled ";

    public PaymentProvider Provider => TestPayModule.Provider;

    public CallTraits Traits => new(TimeSpan.FromSeconds(5), Idempotent: false);

    public MoneyAction Capture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, Shipment? shipment, string reason) => new TestPayCapture(amount, reason);

    public MoneyAction Cancel(string reason) => new TestPayCancel(reason);

    public MoneyAction Refund(RefundRequest request) => new TestPayRefund(request.InvoiceNumber, request.Amount, request.Reason);

    public Task<IProviderConnection> ConnectAsync(Transaction transaction) => Task.FromResult<IProviderConnection>(new Connection(ledger));

    public Task<Message?> MerchantChangeAsync(BackOfficeDbContext db, Channel channel, Transaction transaction, CancellationToken cancellationToken) =>
        Task.FromResult<Message?>(null);

    /// <summary>The ledger knows whether the operation's request was carried out, and what it answered.</summary>
    public async Task<OperationOutcome> ReconcileAsync(string actor, Guid transactionId, ReconcileAnswer answer)
    {
        Operation operation;
        Transaction transaction;
        await using (var db = await databases.CreateDbContextAsync())
        {
            transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId);
            operation = await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == transaction.ActiveOperationId)
                ?? throw new BusinessRuleException("Nothing on this transaction waits to be reconciled.");
        }
        if (await journal.StartReconcilingAsync(operation, transaction.Provider, actor, Prefix) is { } settled)
            return settled;
        return ledger.AnswerOf(operation.Id) is { } found
            ? await journal.SettleAsync(operation.Id, actor, found, Prefix)
            : await journal.FailReconciledAsync(operation.Id, actor, new Message("It did not happen."));
    }

    private sealed class Connection(TestPayLedger ledger) : IProviderConnection
    {
        public Task<ActionAnswer> CallAsync(MoneyAction action, StartedOperation started) =>
            Task.FromResult(ledger.Execute(started.Operation, started.Transaction.Reference));
    }
}

public sealed class TestPayCapture(long? amount, string reason) : MoneyAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(amount is { } requested ? transaction.CaptureError(requested) : transaction.CaptureRemainingError());
        var value = amount ?? transaction.RemainingAmount;
        return value == transaction.RemainingAmount
            ? new OperationPlan(OperationScope.Whole, transaction.Reference, value, transaction.UncapturedLinesOfMain())
            : new OperationPlan(OperationScope.Amount, transaction.Reference, value, []);
    }
}

public sealed class TestPayRefund(string invoiceNumber, long? amount, string reason) : MoneyAction(OperationKind.Refund, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.Refund(transaction, invoice, invoiceNumber, amount, null);
}

public sealed class TestPayCancel(string reason) : MoneyAction(OperationKind.Cancel, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanCancel ? null : new Message("A {0} transaction cannot be cancelled.", transaction.State));
        return new OperationPlan(OperationScope.Whole, transaction.Reference, transaction.RemainingAmount, []);
    }
}
