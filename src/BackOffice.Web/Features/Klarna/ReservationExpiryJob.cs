using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// Expires reservations whose expiry date has passed, but only once Klarna says it no longer holds them (9109): the
/// date here is an estimate, and Klarna may have extended a reservation. Runs every hour, whether or not the status
/// job is enabled; it never touches a transaction while a money action on it is under way or unsettled.
/// </summary>
public sealed partial class ReservationExpiryJob(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf,
    OperationJournal journal,
    TimeProvider time,
    ILogger<ReservationExpiryJob> logger)
{
    public const string JobId = "ReservationExpiry";
    public const string SystemUser = "Reservation expiry";

    /// <summary>Checks every reservation past its expiry date; answers how many expired.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 5)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            due = await db.Transactions
                // This module's reservations only: other providers keep their own expiry.
                .Where(t => t.ExpiresAt <= now && t.ActiveOperationId == null && (t.Service == KlarnaModule.Invoice || t.Service == KlarnaModule.Installments)
                    && (t.State == TransactionState.Authorized || t.State == TransactionState.PartCaptured || t.State == TransactionState.Pending))
                .Select(t => t.Id).ToListAsync(cancellationToken);
        }
        var expired = 0;
        foreach (var id in due)
        {
            try
            {
                if (await ExpireAsync(id, cancellationToken))
                    expired++;
            }
            catch (Exception e) when (e is KlarnaException or DbUpdateException or BusinessRuleException)
            {
                LogFailed(id, e.Message);
            }
        }
        return expired;
    }

    private async Task<bool> ExpireAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.SingleAsync(t => t.Id == id, cancellationToken);
        if (transaction.ActiveOperationId is not null || !transaction.MayHaveExpired(time.GetUtcNow()))
            return false;
        var credentials = await credentialsOf.ForAsync(db, transaction, cancellationToken);
        string[] reservations = [.. transaction.OpenSplits.Select(s => s.ReservationNumber), transaction.Reference];
        var gone = new List<string>();
        foreach (var reservation in reservations)
        {
            try
            {
                await gateway.CheckOrderStatusAsync(credentials, reservation, cancellationToken: cancellationToken);
            }
            catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Rno)
            {
                gone.Add(reservation);
            }
        }
        var now = time.GetUtcNow();
        if (!gone.Contains(transaction.Reference))
        {
            transaction.RecordPoll(now, "Klarna still holds the reservation after its expected expiry");
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
        return await journal.TakeReportAsync(new ProviderReport(id, SystemUser, transaction.Reference, now, (expiring, check, at) =>
        {
            foreach (var reservation in gone)
                expiring.Release(reservation, expired: true);
            var expired = new Message("Klarna no longer holds {0}: expired; now {1}", string.Join(", ", gone), expiring.State);
            check.Succeed(at, expired);
            return expired;
        })) is not null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the expiry of transaction {Id}: {Reason}")]
    private partial void LogFailed(Guid id, string reason);
}
