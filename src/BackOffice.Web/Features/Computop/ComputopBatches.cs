using System.Globalization;
using System.Security.Claims;
using BackOffice.Computop;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>A queued action as the batch page lists it.</summary>
public sealed record QueuedAction(Guid OperationId, Guid TransactionId, string OrderNumber, OperationKind Kind, long Amount, string Currency, OperationState State);

/// <summary>A batch as the batch page shows it.</summary>
public sealed record ComputopBatchView(Guid Id, string ChannelCode, string MerchantId, ComputopBatchState State, DateTimeOffset OpenedAt, string? FileName,
    DateTimeOffset? ExportedAt, DateTimeOffset? SettledAt, IReadOnlyList<QueuedAction> Actions);

/// <summary>What importing a response did: how many of the batch's actions Computop carried out, and how many it refused.</summary>
public sealed record BatchSettlement(string FileName, int Succeeded, int Failed);

/// <summary>
/// Captures, credits and reverses queued for Computop's batch manager instead of being sent one by one. Queuing claims
/// the transaction through the journal like any action (its operation names the batch and carries no ReqId, since a
/// batch record has none); exporting writes the file (header, a record per action with its order lines, footer with
/// count and sum); importing the response settles each action from its own line. A response that is not the answer
/// to an exported batch of the channel — another merchant's, changed, or imported already — is refused with the reason
/// and changes nothing. Until its response arrives a batched action is not reconciled by sending it again.
/// </summary>
public sealed class ComputopBatches(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    OperationJournal journal,
    TimeProvider time)
{
    /// <summary>How long a batched action may wait for its response before it counts as unknown.</summary>
    public static readonly CallTraits Batched = new(TimeSpan.FromDays(30), Idempotent: false);

    /// <summary>Queues a capture of everything that remains, or of line quantities.</summary>
    public Task<OperationOutcome> QueueCaptureAsync(ClaimsPrincipal user, Guid transactionId, IReadOnlyList<LineQuantity>? lines = null, string reason = "") =>
        QueueAsync(user, transactionId, new PaygateCapture(null, lines, false, reason));

    /// <summary>Queues a credit of what is left of an invoice, or of line quantities on it.</summary>
    public Task<OperationOutcome> QueueCreditAsync(ClaimsPrincipal user, Guid transactionId, string invoiceNumber, IReadOnlyList<LineQuantity>? lines = null, string reason = "") =>
        QueueAsync(user, transactionId, new PaygateCredit(invoiceNumber, null, lines, reason));

    /// <summary>Queues the release of what remains authorized.</summary>
    public Task<OperationOutcome> QueueReverseAsync(ClaimsPrincipal user, Guid transactionId, string reason = "") =>
        QueueAsync(user, transactionId, new PaygateReverse(reason));

    /// <summary>
    /// Queues an action for a Klarna Payments order named by its number: a capture of everything that remains, a credit
    /// of what is left of its latest invoice, or the release of what remains authorized.
    /// </summary>
    public async Task<OperationOutcome> QueueAsync(ClaimsPrincipal user, string orderNumber, BatchAction action, string reason = "")
    {
        await authorization.RequireAsync(user, Policies.Operator);
        orderNumber = orderNumber.Trim();
        Guid transactionId;
        string? latestInvoice;
        await using (var db = await databases.CreateDbContextAsync())
        {
            var matches = await db.Transactions.Where(t => t.OrderNumber == orderNumber && t.Service == ComputopModule.KlarnaPayments).Select(t => t.Id).Take(2).ToListAsync();
            transactionId = matches switch
            {
                [var only] => only,
                [] => throw new BusinessRuleException("There is no Klarna Payments order {0}.", orderNumber),
                _ => throw new BusinessRuleException("Several channels have an order {0}; queue it from the transaction's channel.", orderNumber),
            };
            latestInvoice = await db.Invoices.Where(i => i.TransactionId == transactionId && i.Amount > i.RefundedAmount)
                .OrderByDescending(i => i.CapturedAt).Select(i => i.InvoiceNumber).FirstOrDefaultAsync();
        }
        return action switch
        {
            BatchAction.Capture => await QueueCaptureAsync(user, transactionId, reason: reason),
            BatchAction.Credit => await QueueCreditAsync(user, transactionId, latestInvoice ?? throw new BusinessRuleException("Order {0} has no invoice left to refund.", orderNumber), reason: reason),
            _ => await QueueReverseAsync(user, transactionId, reason),
        };
    }

    /// <summary>Takes a queued action out of the open batch before its file is written: nothing was sent, so the order is free again.</summary>
    public async Task<OperationOutcome> WithdrawAsync(ClaimsPrincipal user, Guid operationId)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return await journal.WithdrawAsync(operationId, user.Name(), async (db, batchId) => (await db.ComputopBatches.SingleAsync(b => b.Id == batchId)).Withdraw());
    }

    public async Task<IReadOnlyList<ComputopBatchView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var batches = await (from b in db.ComputopBatches
                             join c in db.Channels on b.ChannelId equals c.Id
                             orderby b.OpenedAt descending
                             select new { Batch = b, c.Code }).AsNoTracking().Take(50).ToListAsync(cancellationToken);
        var ids = batches.Select(b => b.Batch.Id).ToList();
        var actions = await (from o in db.Operations
                             where o.BatchId != null && ids.Contains(o.BatchId.Value)
                             join t in db.Transactions on o.TransactionId equals t.Id
                             orderby o.RequestedAt
                             select new { o.BatchId, Action = new QueuedAction(o.Id, t.Id, t.OrderNumber, o.Kind, o.Amount ?? 0, t.Currency, o.State) })
            .AsNoTracking().ToListAsync(cancellationToken);
        return [.. batches.Select(b => new ComputopBatchView(b.Batch.Id, b.Code, b.Batch.MerchantId, b.Batch.State, b.Batch.OpenedAt, b.Batch.FileName,
            b.Batch.ExportedAt, b.Batch.SettledAt, [.. actions.Where(a => a.BatchId == b.Batch.Id).Select(a => a.Action)]))];
    }

    /// <summary>Writes the open batch's file and closes the batch; answers its name and text, which can be downloaded again.</summary>
    public async Task<(string FileName, string Text)> ExportAsync(ClaimsPrincipal user, Guid batchId)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        await using var db = await databases.CreateDbContextAsync();
        var batch = await db.ComputopBatches.SingleOrDefaultAsync(b => b.Id == batchId) ?? throw new BusinessRuleException("There is no such batch.");
        if (batch.State != ComputopBatchState.Open)
            throw new BusinessRuleException("Batch {0} was exported already.", batch.FileName);
        var queued = await (from o in db.Operations
                            where o.BatchId == batchId && o.State == OperationState.Requested
                            join t in db.Transactions on o.TransactionId equals t.Id
                            orderby o.RequestedAt
                            select new { Operation = o, Transaction = t }).ToListAsync();
        var records = queued.Select(q => Record(q.Operation, q.Transaction)).ToList();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var number = 1 + await db.ComputopBatches.CountAsync(b => b.MerchantId == batch.MerchantId && b.ExportedAt != null && b.FileName!.StartsWith($"T{today:yyyyMMdd}"));
        var fileName = PaygateBatch.FileName(batch.MerchantId, today, number);
        var text = records.Count == 0 ? "" : PaygateBatch.Write(batch.MerchantId, today, records);
        batch.Export(fileName, text, records.Count, records.Sum(r => r.Amount), now, user.Name());
        db.AuditEntries.Add(new AuditEntry(now, user.Name(), "Transactions", "Batch exported", fileName,
            new Message("{0} actions: {1}.", records.Count, string.Join(", ", records.GroupBy(r => r.Currency).Select(g => Money.Format(g.Sum(r => r.Amount), g.Key))))));
        await SaveAsync(db);
        return (fileName, text);
    }

    public async Task<(string FileName, string Text)> FileAsync(ClaimsPrincipal user, Guid batchId)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        await using var db = await databases.CreateDbContextAsync();
        var batch = await db.ComputopBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId && b.FileText != null)
            ?? throw new BusinessRuleException("This batch has not been exported yet.");
        return (batch.FileName!, batch.FileText!);
    }

    /// <summary>
    /// Settles the batch that <paramref name="response"/> answers, each action from its line: carried out → the books
    /// change as for an online call; refused → the action ends and nothing changes.
    /// </summary>
    public async Task<BatchSettlement> ImportAsync(ClaimsPrincipal user, Guid batchId, string response)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        ComputopBatch batch;
        List<(Operation Operation, string PayId)> queued;
        IReadOnlyList<BatchResult> results;
        await using (var db = await databases.CreateDbContextAsync())
        {
            batch = await db.ComputopBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId) ?? throw new BusinessRuleException("There is no such batch.");
            if (batch.State == ComputopBatchState.Settled)
                throw new BusinessRuleException("The response to {0} was imported already, on {1:yyyy-MM-dd HH:mm} UTC.", batch.FileName, batch.SettledAt!.Value.UtcDateTime);
            if (batch.State != ComputopBatchState.Exported)
                throw new BusinessRuleException("This batch has not been exported yet.");
            try
            {
                results = PaygateBatch.ReadResponse(batch.MerchantId, response);
            }
            catch (PaygateBatchException e)
            {
                throw new BusinessRuleException("This is not the response to {0}: {1}", batch.FileName, e.Message);
            }
            var sent = PaygateBatch.Read(batch.FileText!).Records;
            if (results.Count != sent.Count || results.Zip(sent).Any(p => (p.First.Record.Action, p.First.Record.Amount, p.First.Record.Currency, p.First.Record.PayId, p.First.Record.TransId)
                    != (p.Second.Action, p.Second.Amount, p.Second.Currency, p.Second.PayId, p.Second.TransId)))
                throw new BusinessRuleException("This is not the response to {0}: its records are not the ones sent.", batch.FileName);
            queued = [.. (await (from o in db.Operations
                                 where o.BatchId == batchId && o.State != OperationState.Succeeded && o.State != OperationState.Failed
                                 join t in db.Transactions on o.TransactionId equals t.Id
                                 orderby o.RequestedAt
                                 select new { Operation = o, t.Reference }).AsNoTracking().ToListAsync()).Select(q => (q.Operation, q.Reference))];
        }
        var actor = user.Name();
        var (succeeded, failed) = (0, 0);
        foreach (var result in results)
        {
            var match = queued.FirstOrDefault(q => q.PayId == result.Record.PayId && q.Operation.Amount == result.Record.Amount && Action(q.Operation.Kind) == result.Record.Action);
            if (match.Operation is not { } operation)
                continue;
            queued.Remove(match);
            if (result.Succeeded)
            {
                var outcome = await journal.SettleAsync(operation.Id, actor,
                    new ActionAnswer(operation.Kind == OperationKind.Capture ? result.Record.InvoiceNumber : operation.InvoiceNumber));
                if (outcome.Succeeded)
                    succeeded++;
                else
                    failed++;
            }
            else
            {
                await journal.FailAsync(operation.Id, new ProviderRefusedException(
                    new Message("Computop refused it in batch {0}: {1} {2}; nothing happened.", batch.FileName, result.Status, result.Code ?? ""),
                    int.TryParse(result.Code, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0, $"{result.Status} {result.Code}"), actor);
                failed++;
            }
        }
        // Queued as the file was written, so not in it: never sent.
        foreach (var (operation, _) in queued)
            await journal.FailReconciledAsync(operation.Id, actor, new Message("it was queued after {0} was written, so it was never sent; nothing changed.", batch.FileName));
        await using (var db = await databases.CreateDbContextAsync())
        {
            var stored = await db.ComputopBatches.SingleAsync(b => b.Id == batchId);
            stored.Settle(time.GetUtcNow(), actor);
            db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Transactions", "Batch imported", batch.FileName!,
                new Message("{0} carried out, {1} refused.", succeeded, failed), failed == 0));
            await SaveAsync(db);
        }
        return new BatchSettlement(batch.FileName!, succeeded, failed);
    }

    private async Task<OperationOutcome> QueueAsync(ClaimsPrincipal user, Guid transactionId, ComputopAction action)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        Guid batchId;
        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId) ?? throw new BusinessRuleException("There is no such transaction.");
            var merchantId = transaction.Merchant;
            if (transaction.Service != ComputopModule.KlarnaPayments)
                throw new BusinessRuleException("Only Klarna Payments orders through Computop go in a batch file.");
            var invoice = action.InvoiceNumber is { } number ? await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == number) : null;
            // A batch record carries the order lines it covers (Computop asks for them on partial actions, and
            // answers a capture's invoice only with them): an action whose lines are not known is sent online.
            if (action.Kind != OperationKind.Cancel && action.Plan(transaction, invoice).Lines.Count == 0)
                throw new BusinessRuleException("The order lines this would cover are not known (an amount was captured or refunded before): send it online instead.");
            var batch = await db.ComputopBatches.FirstOrDefaultAsync(b => b.ChannelId == transaction.ChannelId && b.MerchantId == merchantId && b.State == ComputopBatchState.Open);
            if (batch is null)
            {
                db.ComputopBatches.Add(batch = new ComputopBatch(transaction.ChannelId, merchantId, time.GetUtcNow()));
                await db.SaveChangesAsync();
            }
            batchId = batch.Id;
        }
        var started = await journal.BeginAsync(user.Name(), transactionId, action, Batched, batchId);
        return new OperationOutcome(started.Operation.Id, OperationState.Requested, new Message("Queued for a {0} batch file.", "Computop"));
    }

    private static BatchAction Action(OperationKind kind) => kind switch
    {
        OperationKind.Capture => BatchAction.Capture,
        OperationKind.Refund => BatchAction.Credit,
        _ => BatchAction.Reverse,
    };

    private static BatchRecord Record(Operation operation, Transaction transaction)
    {
        var action = Action(operation.Kind);
        return new BatchRecord(action, operation.Amount!.Value, transaction.Currency, PaygateOrder.TransId(transaction), PaygateOrder.PayId(transaction),
            PaygateOrder.RefNr(transaction), action == BatchAction.Reverse ? null : PaygateOrder.ArticleList(transaction, operation.Articles),
            action == BatchAction.Credit ? operation.InvoiceNumber : null);
    }

    private static async Task SaveAsync(BackOfficeDbContext db)
    {
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new BusinessRuleException("Someone else changed this batch meanwhile. Reload the page to see what they did.");
        }
    }
}
