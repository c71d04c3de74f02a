using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// Cancels a pending order whose service declines pending orders, once its row is due, through the same journal as
/// every money action (operation and claim first, then the call). Running it twice, or on an order the provider
/// already cancelled, is harmless. If the provider cannot be reached it tries again a minute later; an unknown outcome
/// is reconciled from the provider's state before anything is sent again.
/// </summary>
public sealed partial class PendingCancellationJob(
    IDbContextFactory<BackOfficeDbContext> databases,
    TransactionService transactions,
    PaymentPorts ports,
    IBackgroundJobClient jobs,
    TimeProvider time,
    ILogger<PendingCancellationJob> logger)
{
    public const string Reason = "Pending order declined";

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid cancellationId, CancellationToken cancellationToken)
    {
        PendingCancellation? due;
        Transaction transaction;
        Operation? active = null;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            due = await db.PendingCancellations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cancellationId, cancellationToken);
            if (due is null || due.CompletedAt is not null)
                return;
            if (due.DueAt > time.GetUtcNow())
            {
                // The scheduler's clock may run a little ahead of ours: come back when it is due.
                jobs.Schedule<PendingCancellationJob>(j => j.RunAsync(cancellationId, CancellationToken.None), due.DueAt - time.GetUtcNow());
                return;
            }
            transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == due.TransactionId, cancellationToken);
            if (transaction.ActiveOperationId is { } activeId)
                active = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == activeId, cancellationToken);
        }
        if (active is not null)
        {
            // Our own earlier cancellation of unknown outcome settles from the provider's state; anything else runs first.
            if (active.Kind == OperationKind.Cancel && active.CanReconcile(time.GetUtcNow()))
                await ports.For(transaction.Provider).ReconcileAsync(TransactionService.PendingDeclineActor, transaction.Id, ReconcileAnswer.None);
            RetryLater(cancellationId);
            return;
        }
        if (!(transaction.State == TransactionState.Pending || transaction.State == TransactionState.Authorized && transaction.CapturedAmount == 0))
        {
            await CompleteAsync(cancellationId, $"Nothing to cancel: the transaction is {transaction.State}.");
            return;
        }

        OperationOutcome outcome;
        try
        {
            outcome = await transactions.DeclinePendingAsync(transaction.Id, Reason);
        }
        catch (BusinessRuleException)
        {
            // Someone claimed the transaction in the meantime; look again later.
            RetryLater(cancellationId);
            return;
        }
        switch (outcome)
        {
            case { State: OperationState.Succeeded }:
                await CompleteAsync(cancellationId, outcome.Message.ToString());
                LogCancelled(transaction.OrderNumber);
                break;
            case { State: OperationState.Failed, FaultCode: > 0 }:
                await CompleteAsync(cancellationId, $"{PaymentProviders.NameOf(transaction.Provider)} refused the cancellation: {outcome.Message}");
                break;
            default:
                RetryLater(cancellationId);
                break;
        }
    }

    private async Task CompleteAsync(Guid cancellationId, string result) => await DatabaseRetry.RunAsync(async () =>
    {
        await using var db = await databases.CreateDbContextAsync();
        var due = await db.PendingCancellations.SingleAsync(c => c.Id == cancellationId);
        if (due.CompletedAt is null)
            due.Complete(time.GetUtcNow(), result);
        await db.SaveChangesAsync();
        return true;
    });

    private void RetryLater(Guid cancellationId) =>
        jobs.Schedule<PendingCancellationJob>(j => j.RunAsync(cancellationId, CancellationToken.None), TimeSpan.FromMinutes(1));

    [LoggerMessage(Level = LogLevel.Information, Message = "Declined pending order {OrderNumber}")]
    private partial void LogCancelled(string orderNumber);
}
