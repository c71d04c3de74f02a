using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

/// <summary>An operation written and its transaction claimed, with the books its call is about.</summary>
public sealed record StartedOperation(Operation Operation, Transaction Transaction, Invoice? Invoice);

/// <summary>
/// What a provider reported on its own about one transaction — a status answer, an expiry it confirmed, a callback —
/// asked for at <paramref name="AskedAt"/> about its reference <paramref name="Reference"/>. <paramref name="Apply"/>
/// changes the transaction by the transaction's own rules, closes the timeline step it is given (succeeded or failed,
/// with what the provider said) and answers what changed in words, or null when nothing did.
/// </summary>
/// <summary>An operation holds the transaction: a provider's report waits until it is settled.</summary>
public sealed class TransactionBusyException() : BusinessRuleException("An operation is under way on the transaction; the report waits until it is settled.");

public sealed record ProviderReport(Guid TransactionId, string Actor, string? Reference, DateTimeOffset AskedAt, Func<Transaction, Operation, DateTimeOffset, Message?> Apply);

/// <summary>
/// The writes around a money call, in the order that keeps the books equal to Klarna's: the operation row and the
/// claim before the call; Klarna's answer on the row before anything else; then the books, from the row. Each write
/// is tried again when the database was briefly unavailable, and each one tells open pages.
/// </summary>
public sealed class OperationJournal(
    IDbContextFactory<BackOfficeDbContext> databases,
    TransactionChanges changes,
    TimeProvider time)
{
    /// <summary>Beyond the gateway's timeout per call: the writes between calls, and a slow machine.</summary>
    public static readonly TimeSpan InFlightMargin = TimeSpan.FromSeconds(30);

    private const int ClaimAttempts = 3;

    /// <summary>Checks the action's rules, writes its operation (Requested) and claims the transaction. Nothing is sent yet.</summary>
    public async Task<StartedOperation> BeginAsync(string actor, Guid transactionId, MoneyAction action, CallTraits traits, Guid? batchId = null)
    {
        if (action.Reason.Length > 500)
            throw new BusinessRuleException("A reason has at most 500 characters.");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = await DatabaseRetry.RunAsync(() => TryBeginAsync(actor, transactionId, action, traits, batchId));
                changes.Notify(transactionId);
                return started;
            }
            catch (DbUpdateConcurrencyException) when (attempt < ClaimAttempts)
            {
                // Someone changed the transaction since it was read: read it again; a claim by them is refused then.
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new BusinessRuleException("Someone else is acting on this transaction right now. Reload it to see what they did.");
            }
        }
    }

    /// <summary>
    /// A new order the provider made or reported (a shop's reservation, an authorization it notified) enters the books
    /// here: stored with what the module keeps beside it (<paramref name="alongside"/>) in one save — the database refuses
    /// a second transaction for the channel's order number — and told to open pages.
    /// </summary>
    public async Task OpenAsync(Transaction transaction, Action<BackOfficeDbContext>? alongside = null)
    {
        await using (var db = await databases.CreateDbContextAsync())
        {
            db.Transactions.Add(transaction);
            alongside?.Invoke(db);
            await db.SaveChangesAsync();
        }
        changes.Notify(transaction.Id);
    }

    /// <summary>
    /// The one way a provider's own reports reach the books: refused while an operation holds the transaction (that
    /// operation settles it), applied by the transaction's rules, kept on the timeline as a status step, saved under the
    /// transaction's version (a concurrent change makes it fail, never overwrite) and told to open pages.
    /// </summary>
    public async Task<Message?> TakeReportAsync(ProviderReport report)
    {
        var change = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var transaction = await db.Transactions.SingleAsync(t => t.Id == report.TransactionId);
            if (transaction.ActiveOperationId is not null)
                throw new TransactionBusyException();
            var now = time.GetUtcNow();
            var step = new Operation(report.TransactionId, OperationKind.StatusCheck, OperationScope.Whole, report.Reference, null, [], null, "", report.Actor, report.AskedAt, now);
            db.Operations.Add(step);
            var changed = report.Apply(transaction, step, now);
            await db.SaveChangesAsync();
            return changed;
        });
        changes.Notify(report.TransactionId);
        return change;
    }

    /// <summary>
    /// A money action the provider carried out that was not asked for here (a refund made in the provider's own
    /// dashboard): recorded as a succeeded operation of the provider's and applied to the books in one save, so the
    /// books stay equal to the provider's. Once per provider reference; refused while an operation holds the transaction.
    /// </summary>
    public async Task<Message> RecordProviderActionAsync(Guid transactionId, OperationKind kind, string invoiceNumber, long amount, string actor, string providerReference)
    {
        var message = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var transaction = await db.Transactions.SingleAsync(t => t.Id == transactionId);
            if (await db.Operations.AnyAsync(o => o.TransactionId == transactionId && o.ProviderReference == providerReference && o.State == OperationState.Succeeded))
                return new Message("It was booked already.");
            if (transaction.ActiveOperationId is not null)
                throw new TransactionBusyException();
            var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == invoiceNumber);
            var now = time.GetUtcNow();
            var operation = new Operation(transactionId, kind, OperationScope.Amount, transaction.Reference, amount, [], invoiceNumber, "", actor, now, now);
            operation.RecordAnswer(now, invoiceNumber, null, null, providerReference);
            var (applied, _) = OperationEffects.Apply(transaction, invoice, operation, now);
            operation.Succeed(now);
            db.Operations.Add(operation);
            Audit(db, actor, kind.ToString(), transaction, operation, applied, succeeded: true);
            await db.SaveChangesAsync();
            return applied;
        }, onConflict: true);
        changes.Notify(transactionId);
        return message;
    }

    /// <summary>
    /// How every reconciliation starts: refused while the call may still be answered; an answer that was recorded is
    /// applied (answered here); a call left Requested becomes Unknown, and null says the provider is to be asked.
    /// </summary>
    public async Task<OperationOutcome?> StartReconcilingAsync(Operation operation, PaymentProvider provider, string actor, string auditPrefix)
    {
        if (operation.IsInFlight(time.GetUtcNow()))
            throw new BusinessRuleException("The action “{0}” is still waiting for {2}'s answer. If none arrives it can be reconciled from {1:HH:mm:ss} UTC.", operation.Kind, operation.InFlightUntil.UtcDateTime, PaymentProviders.NameOf(provider));
        if (operation.AnsweredAt is not null)
            return await SettleAsync(operation.Id, actor, null, auditPrefix);
        if (operation.State == OperationState.Requested)
            await MarkUnknownAsync(operation.Id, actor, new Message("No answer arrived before the call's time was up."));
        return null;
    }

    /// <summary>
    /// An operation of unknown outcome goes out again with its request ID, once an inquiry showed the first call final:
    /// it is in flight again, and a second reconciliation at the same time is refused here, before anything is sent.
    /// </summary>
    public async Task<StartedOperation> SendAgainAsync(Guid operationId, TimeSpan callTimeout, Message why)
    {
        try
        {
            var started = await DatabaseRetry.RunAsync(async () =>
            {
                await using var db = await databases.CreateDbContextAsync();
                var (operation, transaction, invoice) = await LoadAsync(db, operationId);
                if (operation.State != OperationState.Unknown)
                    throw new BusinessRuleException("Someone else is reconciling this transaction right now. Reload it to see what they did.");
                operation.SendAgain(time.GetUtcNow() + callTimeout + InFlightMargin, why);
                await db.SaveChangesAsync();
                return new StartedOperation(operation, transaction, invoice);
            });
            changes.Notify(started.Transaction.Id);
            return started;
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new BusinessRuleException("Someone else is reconciling this transaction right now. Reload it to see what they did.");
        }
    }

    /// <summary>Klarna split an amount off for a capture: the books show the new reservation before it is activated.</summary>
    public async Task RecordSplitAsync(Guid operationId, string reference)
    {
        var transactionId = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var operation = await db.Operations.SingleAsync(o => o.Id == operationId);
            var transaction = await db.Transactions.SingleAsync(t => t.Id == operation.TransactionId);
            operation.RecordSplit(reference);
            transaction.AddSplit(reference, operation.Amount!.Value);
            await db.SaveChangesAsync();
            return transaction.Id;
        }, onConflict: true);
        changes.Notify(transactionId);
    }

    /// <summary>Klarna carried the call out: its answer is recorded first, then the books are changed from it.</summary>
    public async Task<OperationOutcome> SucceedAsync(Guid operationId, ActionAnswer answer, string actor)
    {
        await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var operation = await db.Operations.SingleAsync(o => o.Id == operationId);
            if (operation.IsSettled)
                return false;
            operation.RecordAnswer(time.GetUtcNow(), answer.InvoiceNumber, answer.NewExpiry, answer.NewDueDate, answer.ProviderReference);
            await db.SaveChangesAsync();
            return true;
        }, onConflict: true);
        return await SettleAsync(operationId, actor, null);
    }

    /// <summary>
    /// Changes the books as the operation says the provider did, and ends it. The same step settles an action whose
    /// answer arrived and a reconciled one (which passes the answer the operator or the provider gave). Settling twice
    /// does nothing.
    /// </summary>
    public async Task<OperationOutcome> SettleAsync(Guid operationId, string actor, ActionAnswer? reconciledAnswer, string auditPrefix = "")
    {
        var provider = "";
        try
        {
            var (outcome, transactionId) = await DatabaseRetry.RunAsync(async () =>
            {
                await using var db = await databases.CreateDbContextAsync();
                var (operation, transaction, invoice) = await LoadAsync(db, operationId);
                provider = PaymentProviders.NameOf(transaction.Provider);
                if (operation.IsSettled)
                    return (Outcome(operation, new Message("It was settled already.")), transaction.Id);
                var now = time.GetUtcNow();
                if (reconciledAnswer is not null)
                    operation.RecordAnswer(now, reconciledAnswer.InvoiceNumber, reconciledAnswer.NewExpiry, reconciledAnswer.NewDueDate, reconciledAnswer.ProviderReference);
                var (message, newInvoice) = OperationEffects.Apply(transaction, invoice, operation, now);
                if (newInvoice is not null)
                    db.Invoices.Add(newInvoice);
                operation.Succeed(now);
                transaction.EndOperation(operation.Id);
                Audit(db, actor, auditPrefix + operation.Kind, transaction, operation, message, succeeded: true);
                await db.SaveChangesAsync();
                return (Outcome(operation, message), transaction.Id);
            }, onConflict: true);
            changes.Notify(transactionId);
            return outcome;
        }
        catch (BusinessRuleException e)
        {
            // The provider did it, but the books refuse it: keep its answer and the claim, and say so loudly.
            return await MarkUnknownAsync(operationId, actor, new Message("{1} carried it out, but the books could not take it: {0}", e.Message, provider));
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            // The database failed for longer than the retries: the provider's answer is on the operation, which a
            // reconciliation (or the status job) applies once the database is back.
            return await MarkUnknownAsync(operationId, actor, new Message("{1} carried it out, but writing the books failed ({0}); reconcile to apply it.", e.Message, provider));
        }
    }

    /// <summary>Ends an operation after a refusal or a failed connection (nothing happened), or leaves it Unknown.</summary>
    public async Task<OperationOutcome> FailAsync(Guid operationId, Exception failure, string actor)
    {
        var transactionId = Guid.Empty;
        var outcome = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var (operation, transaction, _) = await LoadAsync(db, operationId);
            transactionId = transaction.Id;
            if (operation.IsSettled)
                return Outcome(operation, new Message("It was settled already."));
            var now = time.GetUtcNow();
            Message? split = operation.SplitReference is { } rno
                ? new Message("{0} stays reserved in the split-off reservation {1}: capture everything that remains to take it, or cancel.", new Amount(operation.Amount ?? 0, transaction.Currency), rno)
                : null;
            Message message;
            switch (failure)
            {
                case ProviderRefusedException refused:
                    message = WithSplit(refused.Text, split);
                    operation.Fail(now, refused.Code, refused.FaultText);
                    transaction.EndOperation(operation.Id);
                    break;
                case ProviderUnreachableException unreachable:
                    message = WithSplit(unreachable.Text, split);
                    operation.Fail(now, 0, unreachable.Message);
                    transaction.EndOperation(operation.Id);
                    break;
                case ProviderPendingException pending:
                    message = pending.Text;
                    operation.MarkUnknown(now, pending.Text);
                    break;
                default:
                    message = operation.RequestId is { } requestId
                        ? new Message("{0}'s answer never arrived, so it is not known whether this happened. Reconcile the transaction: an inquiry shows whether it did, and if not it is sent again with the same request ID {1}. ({2})", PaymentProviders.NameOf(transaction.Provider), requestId, failure.Message)
                        : new Message("{0}'s answer never arrived, so it is not known whether this happened. It will not be sent again: reconcile the transaction. ({1})", PaymentProviders.NameOf(transaction.Provider), failure.Message);
                    operation.MarkUnknown(now, new Message(failure.Message));
                    break;
            }
            Audit(db, actor, operation.Kind.ToString(), transaction, operation, message, succeeded: false);
            await db.SaveChangesAsync();
            return Outcome(operation, message);
        }, onConflict: true);
        changes.Notify(transactionId);
        return outcome;
    }

    /// <summary>Ends an operation a reconciliation found did not happen, recording the split it found if any.</summary>
    public async Task<OperationOutcome> FailReconciledAsync(Guid operationId, string actor, Message finding, string? foundSplit = null)
    {
        var (outcome, transactionId) = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var (operation, transaction, _) = await LoadAsync(db, operationId);
            if (operation.IsSettled)
                return (Outcome(operation, new Message("It was settled already.")), transaction.Id);
            if (foundSplit is not null)
            {
                operation.RecordSplit(foundSplit);
                transaction.AddSplit(foundSplit, operation.Amount!.Value);
            }
            operation.FailReconciled(time.GetUtcNow(), new Message("Reconciled by {0}: {1}", actor, finding));
            transaction.EndOperation(operation.Id);
            var message = new Message("Reconciled: {0}", finding);
            Audit(db, actor, $"Reconciled {operation.Kind}", transaction, operation, message, succeeded: false);
            await db.SaveChangesAsync();
            return (Outcome(operation, message), transaction.Id);
        }, onConflict: true);
        changes.Notify(transactionId);
        return outcome;
    }

    /// <summary>
    /// Takes an action queued for a batch file back out before the file is written: it ends as failed, nothing having
    /// been sent, and the transaction is free again. <paramref name="batchStillOpen"/> checks the batch in the same save
    /// and marks it changed, so a file written at the same moment either includes the action or this is refused.
    /// </summary>
    public async Task<OperationOutcome> WithdrawAsync(Guid operationId, string actor, Func<BackOfficeDbContext, Guid, Task> batchStillOpen)
    {
        var (outcome, transactionId) = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var operation = await db.Operations.SingleOrDefaultAsync(o => o.Id == operationId) ?? throw new BusinessRuleException("There is no such action.");
            if (operation.BatchId is not { } batchId || operation.State != OperationState.Requested)
                throw new BusinessRuleException("“{0}” is not waiting in a batch file any more.", operation.Kind);
            var transaction = await db.Transactions.SingleAsync(t => t.Id == operation.TransactionId);
            await batchStillOpen(db, batchId);
            var message = new Message("Withdrawn from the batch file by {0} before the file was written; nothing was sent.", actor);
            operation.Withdraw(time.GetUtcNow(), message);
            transaction.EndOperation(operation.Id);
            Audit(db, actor, $"Withdrawn {operation.Kind}", transaction, operation, message, succeeded: true);
            await db.SaveChangesAsync();
            return (Outcome(operation, message), transaction.Id);
        }, onConflict: true);
        changes.Notify(transactionId);
        return outcome;
    }

    /// <summary>The outcome cannot be known from here: the operation becomes Unknown and the transaction stays claimed.</summary>
    public async Task<OperationOutcome> MarkUnknownAsync(Guid operationId, string actor, Message reason)
    {
        var (outcome, transactionId) = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var (operation, transaction, _) = await LoadAsync(db, operationId);
            if (operation.State != OperationState.Requested)
                return (Outcome(operation, operation.IsSettled ? new Message("It was settled already.") : reason), transaction.Id);
            operation.MarkUnknown(time.GetUtcNow(), reason);
            Audit(db, actor, operation.Kind.ToString(), transaction, operation, reason, succeeded: false);
            await db.SaveChangesAsync();
            return (Outcome(operation, reason), transaction.Id);
        }, onConflict: true);
        changes.Notify(transactionId);
        return outcome;
    }

    /// <summary>
    /// Operations left Requested by a process that stopped, or lost track of them: those whose answer was recorded are
    /// settled from it; the others, once they cannot be in flight any more, become Unknown. At start-up and by the status job.
    /// </summary>
    public async Task<int> SettleAbandonedAsync(string actor)
    {
        var now = time.GetUtcNow();
        List<(Guid Id, bool Answered)> abandoned;
        await using (var db = await databases.CreateDbContextAsync())
        {
            abandoned = [.. (await db.Operations.AsNoTracking()
                .Where(o => o.State == OperationState.Requested && (o.AnsweredAt != null || o.InFlightUntil < now))
                .Select(o => new { o.Id, o.AnsweredAt })
                .ToListAsync()).Select(o => (o.Id, o.AnsweredAt is not null))];
        }
        foreach (var (id, answered) in abandoned)
        {
            if (answered)
                await SettleAsync(id, actor, null);
            else
                await MarkUnknownAsync(id, actor, new Message("No answer arrived: the app stopped or lost track of the call while it was in flight."));
        }
        return abandoned.Count;
    }

    private async Task<StartedOperation> TryBeginAsync(string actor, Guid transactionId, MoneyAction action, CallTraits traits, Guid? batchId)
    {
        await using var db = await databases.CreateDbContextAsync();
        var transaction = await db.Transactions.SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
        if (transaction.ActiveOperationId is { } active)
            throw new BusinessRuleException(await BusyMessageAsync(db, active, transaction.Provider));
        var invoice = action.InvoiceNumber is { } number ? await db.Invoices.SingleOrDefaultAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == number) : null;
        var plan = action.Plan(transaction, invoice);
        var now = time.GetUtcNow();
        var operation = new Operation(transactionId, action.Kind, plan.Scope, plan.Reference, plan.Amount, plan.Lines, action.InvoiceNumber,
            action.Reason, actor, now, now + traits.Timeout * plan.Calls + InFlightMargin, plan.Change?.Text, traits.Idempotent);
        if (batchId is { } batch)
            operation.QueueIn(batch, new Message("Queued for a {0} batch file.", PaymentProviders.NameOf(transaction.Provider)));
        transaction.BeginOperation(operation.Id);
        db.Operations.Add(operation);
        await db.SaveChangesAsync();
        return new StartedOperation(operation, transaction, invoice);
    }

    private async Task<Message> BusyMessageAsync(BackOfficeDbContext db, Guid activeOperationId, PaymentProvider provider)
    {
        var active = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == activeOperationId);
        if (active.BatchId is not null && active.State == OperationState.Requested)
            return new Message("“{0}”, queued by {1}, waits in a {2} batch file; its response settles it.", active.Kind, active.User, PaymentProviders.NameOf(provider));
        return active.IsInFlight(time.GetUtcNow())
            ? new Message("{0} started “{1}” at {2:HH:mm:ss} UTC, which is still under way; wait for it to finish.", active.User, active.Kind, active.RequestedAt.UtcDateTime)
            : active.IsSettled
                ? new Message("{0} started “{1}”, which has just ended; look at the transaction again before you act.", active.User, active.Kind)
                : new Message("The outcome of “{0}”, started by {1}, is not known yet; reconcile it first.", active.Kind, active.User);
    }

    private static async Task<(Operation, Transaction, Invoice?)> LoadAsync(BackOfficeDbContext db, Guid operationId)
    {
        var operation = await db.Operations.SingleAsync(o => o.Id == operationId);
        var transaction = await db.Transactions.SingleAsync(t => t.Id == operation.TransactionId);
        var invoice = operation.Kind is OperationKind.Refund or OperationKind.ResendInvoice or OperationKind.ExtendDueDate
            ? await db.Invoices.SingleOrDefaultAsync(i => i.TransactionId == transaction.Id && i.InvoiceNumber == operation.InvoiceNumber)
            : null;
        return (operation, transaction, invoice);
    }

    private void Audit(BackOfficeDbContext db, string actor, string action, Transaction transaction, Operation operation, Message message, bool succeeded) =>
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Transactions", action, $"{transaction.OrderNumber} ({transaction.Reference})",
            operation.Reason.Length > 0 ? new Message("{0} Reason: {1}", message, operation.Reason) : message, succeeded));

    private static Message WithSplit(Message message, Message? split) => split is null ? message : new Message("{0} {1}", message, split);

    private static OperationOutcome Outcome(Operation operation, Message message) => new(operation.Id, operation.State, message, operation.InvoiceNumber, operation.FaultCode);
}
