using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// Cancels a pending reservation whose service declines pending orders, once its row is due. Running it twice, or on a
/// reservation Klarna already cancelled, is harmless. If Klarna cannot be reached it tries again a minute later.
/// </summary>
public sealed partial class PendingCancellationJob(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf,
    IBackgroundJobClient jobs,
    TimeProvider time,
    ILogger<PendingCancellationJob> logger)
{
    public const string Reason = "Pending order declined";
    private const string User = "Decline pending orders";

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid cancellationId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var due = await db.PendingCancellations.SingleOrDefaultAsync(c => c.Id == cancellationId, cancellationToken);
        if (due is null || due.CompletedAt is not null)
            return;
        var transaction = await db.Transactions.SingleAsync(t => t.Id == due.TransactionId, cancellationToken);
        var now = time.GetUtcNow();
        if (transaction.State is not (TransactionState.Pending or TransactionState.Authorized))
        {
            due.Complete(now, $"Nothing to cancel: the transaction is {transaction.State}.");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        if (transaction.ActiveOperationId is not null)
        {
            RetryLater(cancellationId);
            return;
        }

        var credentials = await credentialsOf.ForAsync(db, transaction, cancellationToken);
        var operation = new Operation(transaction.Id, OperationKind.Cancel, transaction.AuthorizedAmount, [], null, Reason, User, now);
        db.Operations.Add(operation);
        string result;
        try
        {
            await gateway.CancelReservationAsync(credentials, transaction.ReservationNumber, cancellationToken);
            result = "Cancelled at Klarna.";
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Rno)
        {
            result = "Klarna had cancelled it already.";
        }
        catch (KlarnaFaultException fault)
        {
            operation.Fail(time.GetUtcNow(), fault.RawCode, fault.FaultString);
            due.Complete(time.GetUtcNow(), $"Klarna refused the cancellation: fault {fault.RawCode} ({fault.FaultString}).");
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        catch (KlarnaException e)
        {
            operation.Fail(time.GetUtcNow(), 0, $"{e.Message} Trying again in a minute.");
            await db.SaveChangesAsync(CancellationToken.None);
            RetryLater(cancellationId);
            return;
        }

        transaction.Cancel();
        operation.Succeed(time.GetUtcNow(), detail: result);
        due.Complete(time.GetUtcNow(), result);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), User, "Transactions", "Cancel", $"{transaction.OrderNumber} ({transaction.ReservationNumber})", $"{Reason}. {result}"));
        await db.SaveChangesAsync(CancellationToken.None);
        LogCancelled(transaction.OrderNumber);
    }

    private void RetryLater(Guid cancellationId) =>
        jobs.Schedule<PendingCancellationJob>(j => j.RunAsync(cancellationId, CancellationToken.None), TimeSpan.FromMinutes(1));

    [LoggerMessage(Level = LogLevel.Information, Message = "Declined pending order {OrderNumber}")]
    private partial void LogCancelled(string orderNumber);
}
