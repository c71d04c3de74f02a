using System.Collections.Concurrent;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Jobs;

/// <summary>
/// KlarnaCheckOrderStatus: asks Klarna about every Pending transaction (and reconciles what it can of every operation of
/// unknown outcome, after settling operations a stopped process left behind) under each transaction's own credentials,
/// a bounded number at a time. Accepted → Authorized, Denied →
/// Denied; nothing else ever moves. One failure does not stop the run. Never two runs at once, across instances too.
/// </summary>
public sealed partial class PendingStatusPoller(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    OperationReconciler reconciler,
    JobLeases leases,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf,
    TimeProvider time,
    ILogger<PendingStatusPoller> logger)
{
    public const string SystemUser = "KlarnaCheckOrderStatus";
    private const int ErrorsKept = 10;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    /// <summary>Runs once; answers the run's record, or null when another run holds the lease and this one did nothing.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 5)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        if (!await leases.TryAcquireAsync(JobSettings.CheckOrderStatus, holder, LeaseDuration, cancellationToken))
        {
            LogSkipped();
            return null;
        }
        try
        {
            return await CheckAllAsync(trigger, cancellationToken);
        }
        finally
        {
            await leases.ReleaseAsync(JobSettings.CheckOrderStatus, holder);
        }
    }

    private async Task<JobRun> CheckAllAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = new JobRun(JobSettings.CheckOrderStatus, trigger, time.GetUtcNow());
        await journal.SettleAbandonedAsync(SystemUser);
        List<Guid> candidates;
        JobSettings settings;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            settings = await db.JobSettings.FindAsync([JobSettings.CheckOrderStatus], cancellationToken) ?? new JobSettings(JobSettings.CheckOrderStatus);
            candidates = await db.Transactions
                .Where(t => t.State == TransactionState.Pending
                    || (t.ActiveOperationId != null && db.Operations.Any(o => o.Id == t.ActiveOperationId && o.State == OperationState.Unknown)))
                .Select(t => t.Id)
                .ToListAsync(cancellationToken);
        }

        int changed = 0, failed = 0;
        var errors = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = cancellationToken }, async (id, token) =>
        {
            try
            {
                if (await CheckAsync(id, TimeSpan.FromSeconds(settings.CallTimeoutSeconds), token))
                    Interlocked.Increment(ref changed);
            }
            catch (Exception e) when (e is KlarnaException or BusinessRuleException or DbUpdateException or OperationCanceledException && !token.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                if (errors.Count < ErrorsKept)
                    errors.Enqueue($"{id}: {e.Message}");
            }
        });

        run.End(time.GetUtcNow(), candidates.Count, changed, failed, errors.Take(ErrorsKept));
        await using (var db = await databases.CreateDbContextAsync(CancellationToken.None))
        {
            db.JobRuns.Add(run);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        LogRun(run.Checked, run.Changed, run.Failed);
        return run;
    }

    /// <summary>Checks one transaction; answers whether its state changed.</summary>
    private async Task<bool> CheckAsync(Guid id, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.SingleAsync(t => t.Id == id, cancellationToken);
        if (transaction.ActiveOperationId is not null)
            return (await reconciler.ReconcileAsync(SystemUser, id, ReconcileAnswer.None)).State != OperationState.Unknown;
        if (transaction.State != TransactionState.Pending)
            return false;

        var credentials = await credentialsOf.ForAsync(db, transaction, cancellationToken);
        var now = time.GetUtcNow();
        var check = new Operation(id, OperationKind.StatusCheck, OperationScope.Whole, transaction.ReservationNumber, null, [], null, "", SystemUser, now, now + callTimeout);
        db.Operations.Add(check);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(callTimeout);
            var status = await gateway.CheckOrderStatusAsync(credentials, transaction.ReservationNumber, cancellationToken: timeout.Token);
            now = time.GetUtcNow();
            var moved = transaction.ApplyStatus(status, now);
            transaction.RecordPoll(now, status.ToString());
            check.Succeed(now, detail: moved ? $"Klarna: {status}; now {transaction.State}" : $"Klarna: {status}");
            await db.SaveChangesAsync(cancellationToken);
            return moved;
        }
        catch (Exception e) when (e is KlarnaException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? $"no answer within {callTimeout.TotalSeconds:0} s" : e.Message;
            transaction.RecordPoll(time.GetUtcNow(), $"failed: {reason}"[..Math.Min(200, reason.Length + 8)]);
            if (e is KlarnaFaultException fault)
                check.Fail(time.GetUtcNow(), fault.RawCode, fault.FaultString);
            else
                check.Fail(time.GetUtcNow(), 0, reason);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaCheckOrderStatus skipped: another run holds the lease")]
    private partial void LogSkipped();

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaCheckOrderStatus checked {Checked}, changed {Changed}, failed {Failed}")]
    private partial void LogRun(int @checked, int changed, int failed);
}
