using System.Collections.Concurrent;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// KlarnaCheckOrderStatus: asks Klarna about every Pending transaction (and reconciles what it can of every operation of
/// unknown outcome through its provider — an inquiry, and a repeat with the same idempotency key where there is one — after settling
/// operations a stopped process left behind) under each transaction's own credentials,
/// a bounded number at a time. Accepted → Authorized, Denied →
/// Denied; nothing else ever moves. One failure does not stop the run. Never two runs at once, across instances too.
/// </summary>
public sealed partial class PendingStatusPoller(
    IDbContextFactory<BackOfficeDbContext> databases,
    OperationJournal journal,
    PaymentPorts ports,
    TransactionSweeps sweeps,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf,
    TimeProvider time,
    ILogger<PendingStatusPoller> logger) : IRecurringJob
{
    public const string SystemUser = "KlarnaCheckOrderStatus";

    public string Id => JobSettings.CheckOrderStatus;

    public Message Description { get; } = new("Asks Klarna about every pending transaction and reconciles actions of unknown outcome.");

    public JobSettings DefaultSettings() => new(JobSettings.CheckOrderStatus);

    public async Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = await sweeps.RunAsync(this, trigger, sweep => CheckAllAsync(sweep, cancellationToken), cancellationToken);
        if (run is null)
            LogSkipped();
        else
            LogRun(run.Checked, run.Changed, run.Failed);
        return run;
    }

    private async Task CheckAllAsync(TransactionSweep sweep, CancellationToken cancellationToken)
    {
        await journal.SettleAbandonedAsync(SystemUser);
        List<PollCandidate> pending;
        List<Unsettled> unknown;
        Dictionary<(int, ServiceKind), PaymentService> services;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            // Two index seeks rather than one OR over the whole table.
            pending = await db.Transactions
                .Where(t => t.State == TransactionState.Pending && t.ActiveOperationId == null && (t.Service == KlarnaModule.Invoice || t.Service == KlarnaModule.Installments))
                .Select(t => new PollCandidate(t.Id, t.OrderNumber, t.ChannelId, t.Service, t.Merchant, t.Environment, t.Reference))
                .ToListAsync(cancellationToken);
            unknown = await (from t in db.Transactions
                             where t.ActiveOperationId != null
                             join o in db.Operations on t.ActiveOperationId equals o.Id
                             where o.State == OperationState.Unknown
                             select new Unsettled(t.Id, t.OrderNumber, t.Service)).ToListAsync(cancellationToken);
            services = await db.PaymentServices.AsNoTracking().ToDictionaryAsync(s => (s.ChannelId, s.Kind), cancellationToken);
        }

        var stillPending = new ConcurrentBag<Guid>();
        static bool IsFailure(Exception e) => e is KlarnaException;
        await sweep.CheckAsync(unknown, row => (row.Id, row.OrderNumber), async (row, _) =>
            await ports.For(row.Service.Provider()).ReconcileAsync(SystemUser, row.Id, ReconcileAnswer.None) is { State: not OperationState.Unknown } settled ? new Message("Reconciled: {0}", settled.Message) : null,
            IsFailure);
        await sweep.CheckAsync(pending, candidate => (candidate.Id, candidate.OrderNumber), (candidate, token) => CheckAsync(candidate, services, stillPending, sweep.CallTimeout, token), IsFailure);
        await RecordStillPendingAsync(stillPending);
    }

    /// <summary>
    /// Asks Klarna about one pending transaction; answers how its state changed, or null. Only a change or a failure is
    /// written here (with its StatusCheck operation); "still pending" is noted for all of them at once afterwards.
    /// </summary>
    private async Task<Message?> CheckAsync(
        PollCandidate candidate, Dictionary<(int, ServiceKind), PaymentService> services, ConcurrentBag<Guid> stillPending, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        if (!services.TryGetValue((candidate.ChannelId, candidate.Service), out var service))
            throw new BusinessRuleException("Its channel no longer has this service.");
        var credentials = credentialsOf.For(service, candidate.Merchant, candidate.Environment);
        var requestedAt = time.GetUtcNow();
        OrderStatus status;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(callTimeout);
            status = await gateway.CheckOrderStatusAsync(credentials, candidate.ReservationNumber, cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is KlarnaException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? $"no answer within {callTimeout.TotalSeconds:0} s" : e.Message;
            await RecordAsync(candidate, requestedAt, (transaction, check, now) =>
            {
                transaction.RecordPoll(now, $"failed: {reason}"[..Math.Min(200, reason.Length + 8)]);
                if (e is KlarnaFaultException fault)
                    check.Fail(now, fault.RawCode, fault.FaultString);
                else
                    check.Fail(now, 0, reason);
                return null;
            });
            throw;
        }
        if (status == OrderStatus.Pending)
        {
            stillPending.Add(candidate.Id);
            return null;
        }
        return await RecordAsync(candidate, requestedAt, (transaction, check, now) =>
        {
            var before = transaction.State;
            var moved = transaction.ApplyStatus(status.ToBooks(), now);
            transaction.RecordPoll(now, status.ToString());
            check.Succeed(now, detail: moved ? new Message("Klarna: {0}; now {1}", status, transaction.State) : new Message("Klarna: {0}", status));
            return moved ? new Message("{0} → {1}", before, transaction.State) : null;
        });
    }

    private Task<Message?> RecordAsync(PollCandidate candidate, DateTimeOffset requestedAt, Func<Transaction, Operation, DateTimeOffset, Message?> record) =>
        journal.TakeReportAsync(new ProviderReport(candidate.Id, SystemUser, candidate.ReservationNumber, requestedAt, record));

    /// <summary>One update per thousand transactions Klarna still holds as pending, instead of one write each.</summary>
    private async Task RecordStillPendingAsync(IEnumerable<Guid> ids)
    {
        var now = time.GetUtcNow();
        var result = OrderStatus.Pending.ToString();
        await using var db = await databases.CreateDbContextAsync(CancellationToken.None);
        foreach (var chunk in ids.Chunk(1000))
        {
            await DatabaseRetry.RunAsync(() => db.Transactions
                .Where(t => chunk.Contains(t.Id) && t.State == TransactionState.Pending)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.LastPolledAt, now).SetProperty(x => x.LastPollResult, result)));
        }
    }

    private sealed record Unsettled(Guid Id, string OrderNumber, ServiceKind Service);

    private sealed record PollCandidate(Guid Id, string OrderNumber, int ChannelId, ServiceKind Service, string Merchant, ProviderEnvironment Environment, string ReservationNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaCheckOrderStatus skipped: another run holds the lease")]
    private partial void LogSkipped();

    [LoggerMessage(Level = LogLevel.Information, Message = "KlarnaCheckOrderStatus checked {Checked}, changed {Changed}, failed {Failed}")]
    private partial void LogRun(int @checked, int changed, int failed);
}
