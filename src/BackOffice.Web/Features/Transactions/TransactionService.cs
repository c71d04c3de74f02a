using System.Security.Claims;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// The money actions. Each one checks the rules, writes its operation row and claims the transaction (one action at a
/// time, enforced by the version check) before calling Klarna with the transaction's own merchant and environment,
/// then completes the row. A call whose outcome is unknown leaves the operation Unknown and the transaction claimed.
/// </summary>
public sealed class TransactionService(
    IDbContextFactory<BackOfficeDbContext> databases,
    IAuthorizationService authorization,
    IKlarnaGateway gateway,
    TransactionCredentials credentialsOf,
    TimeProvider time)
{
    public Task<OperationOutcome> CaptureAsync(ClaimsPrincipal user, Guid transactionId, CaptureRequest request)
    {
        var articles = request.Lines ?? [];
        return RunAsync(user, transactionId, OperationKind.Capture, (t, _) => articles.Count > 0 ? t.LineCapture(articles).Amount : request.Amount ?? t.RemainingAmount, articles, null, request.Reason,
            validate: (transaction, _) => articles.Count > 0 ? transaction.LineCapture(articles).Error : transaction.CaptureError(request.Amount ?? transaction.RemainingAmount),
            call: async (credentials, transaction, _) =>
            {
                var flags = await credentialsOf.ActivationFlagsAsync(transaction);
                if (articles.Count > 0)
                    return (await gateway.ActivateAsync(credentials, transaction.ReservationNumber, new ActivateOptions { Flags = flags, Articles = articles })).InvoiceNumber;
                if (request.Amount is not { } amount || amount == transaction.RemainingAmount)
                    return (await gateway.ActivateAsync(credentials, transaction.ReservationNumber, new ActivateOptions { Flags = flags })).InvoiceNumber;
                // Part capture by amount: split the amount off into its own reservation, then activate that.
                var split = await gateway.SplitReservationAsync(credentials, transaction.ReservationNumber, amount, transaction.OrderNumber);
                try
                {
                    return (await gateway.ActivateAsync(credentials, split.ReservationNumber, new ActivateOptions { Flags = flags })).InvoiceNumber;
                }
                catch (KlarnaException e)
                {
                    throw new KlarnaOutcomeUnknownException("activate", $"{amount} was split off into reservation {split.ReservationNumber}, whose activation failed ({e.Message})", e);
                }
            },
            apply: (db, transaction, _, invoiceNumber) =>
            {
                var (amount, lines) = articles.Count > 0
                    ? (transaction.LineCapture(articles).Amount, articles.Select(a => Line(transaction, a.ArticleNumber, a.Quantity)).ToList())
                    : request.Amount is { } part && part != transaction.RemainingAmount
                        ? (part, [])
                        : (transaction.RemainingAmount, transaction.Lines.Where(l => l.UncapturedQuantity > 0).Select(l => Line(transaction, l.ArticleNumber, l.UncapturedQuantity)).ToList());
                transaction.Capture(amount, articles.Count > 0 ? articles : amount == transaction.RemainingAmount ? Uncaptured(transaction) : null);
                db.Invoices.Add(new Invoice(transaction.Id, invoiceNumber!, amount, lines, time.GetUtcNow()));
                return $"Captured {Money.Format(amount, transaction.Currency)}; invoice {invoiceNumber}.";
            });
    }

    public Task<OperationOutcome> ReduceAsync(ClaimsPrincipal user, Guid transactionId, long newAmount, string reason = "") =>
        RunAsync(user, transactionId, OperationKind.Reduce, (_, _) => newAmount, [], null, reason,
            validate: (transaction, _) => transaction.ReduceError(newAmount),
            call: async (credentials, transaction, _) =>
            {
                await gateway.ChangeReservationAsync(credentials, transaction.ReservationNumber, newAmount);
                return null;
            },
            apply: (_, transaction, _, _) =>
            {
                transaction.Reduce(newAmount);
                return $"The reservation is now {Money.Format(newAmount, transaction.Currency)}.";
            });

    public Task<OperationOutcome> CancelAsync(ClaimsPrincipal user, Guid transactionId, string reason = "") =>
        RunAsync(user, transactionId, OperationKind.Cancel, (t, _) => t.RemainingAmount, [], null, reason,
            validate: (transaction, _) => transaction.CanCancel ? null : $"A {transaction.State} transaction cannot be cancelled.",
            call: async (credentials, transaction, _) =>
            {
                await gateway.CancelReservationAsync(credentials, transaction.ReservationNumber);
                return null;
            },
            apply: (_, transaction, _, _) =>
            {
                var released = transaction.RemainingAmount;
                transaction.Cancel();
                return $"Cancelled; {Money.Format(released, transaction.Currency)} released.";
            });

    public Task<OperationOutcome> RefundAsync(ClaimsPrincipal user, Guid transactionId, RefundRequest request)
    {
        var articles = request.Lines ?? [];
        long AmountOf(Invoice invoice) => articles.Count > 0 ? invoice.LineRefund(articles).Amount : request.Amount ?? invoice.RefundableAmount;
        return RunAsync(user, transactionId, OperationKind.Refund, (_, invoice) => invoice is null ? null : AmountOf(invoice), articles, request.InvoiceNumber, request.Reason,
            validate: (transaction, invoice) => invoice is null ? $"Invoice {request.InvoiceNumber} is not one of this transaction's."
                : (articles.Count > 0 ? invoice.LineRefund(articles).Error : invoice.RefundError(AmountOf(invoice))) ?? transaction.RefundError(AmountOf(invoice)),
            call: async (credentials, _, invoice) =>
            {
                if (articles.Count > 0)
                    await gateway.CreditPartAsync(credentials, invoice!.InvoiceNumber, articles);
                else if (request.Amount is { } amount && amount != invoice!.RefundableAmount)
                    await gateway.ReturnAmountAsync(credentials, invoice.InvoiceNumber, amount, request.VatPercent, request.Reason);
                else
                    await gateway.CreditInvoiceAsync(credentials, invoice!.InvoiceNumber);
                return invoice.InvoiceNumber;
            },
            apply: (db, transaction, invoice, _) =>
            {
                var amount = AmountOf(invoice!);
                invoice!.Refund(amount, articles.Count > 0 ? articles : amount == invoice.RefundableAmount ? [.. invoice.Lines.Select(l => new ArticleQuantity(l.ArticleNumber, l.Quantity - l.RefundedQuantity))] : []);
                transaction.Refund(amount);
                return $"Refunded {Money.Format(amount, transaction.Currency)} on invoice {invoice.InvoiceNumber}.";
            });
    }

    public Task<OperationOutcome> ResendInvoiceAsync(ClaimsPrincipal user, Guid transactionId, string invoiceNumber, InvoiceShipment shipment) =>
        RunAsync(user, transactionId, OperationKind.ResendInvoice, (_, _) => null, [], invoiceNumber, "",
            validate: (_, invoice) => invoice is null ? $"Invoice {invoiceNumber} is not one of this transaction's." : null,
            call: async (credentials, _, invoice) => shipment == InvoiceShipment.Mail
                ? await gateway.SendInvoiceAsync(credentials, invoice!.InvoiceNumber)
                : await gateway.EmailInvoiceAsync(credentials, invoice!.InvoiceNumber),
            apply: (_, _, invoice, _) => $"Invoice {invoice!.InvoiceNumber} sent again by {(shipment == InvoiceShipment.Mail ? "mail" : "e-mail")}.");

    public Task<OperationOutcome> ExtendExpiryAsync(ClaimsPrincipal user, Guid transactionId)
    {
        DateTimeOffset newExpiry = default;
        return RunAsync(user, transactionId, OperationKind.ExtendExpiry, (_, _) => null, [], null, "",
            validate: (transaction, _) => transaction.CanCapture ? null : $"A {transaction.State} transaction has no reservation to extend.",
            call: async (credentials, transaction, _) =>
            {
                newExpiry = await gateway.ExtendExpiryDateAsync(credentials, transaction.ReservationNumber);
                return null;
            },
            apply: (_, transaction, _, _) =>
            {
                transaction.ExtendExpiry(newExpiry);
                return $"The reservation now expires {newExpiry:yyyy-MM-dd HH:mm} (Stockholm time).";
            });
    }

    /// <summary>
    /// Settles the operation whose outcome is unknown from Klarna's state, never by sending it again. Klarna's legacy
    /// API shows whether a reservation is still open and whether an invoice exists, nothing more: a capture of the
    /// whole remainder and a cancellation settle on their own; otherwise the operator, having looked the order up in
    /// Klarna Online, gives the invoice number a capture made, or says whether the action happened.
    /// </summary>
    public async Task<OperationOutcome> ReconcileAsync(ClaimsPrincipal user, Guid transactionId, string? invoiceNumber = null, bool? happened = null)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        await using var db = await databases.CreateDbContextAsync();
        var transaction = await FindAsync(db, transactionId);
        var operation = await db.Operations.SingleOrDefaultAsync(o => o.Id == transaction.ActiveOperationId)
            ?? throw new BusinessRuleException("Nothing on this transaction waits to be reconciled.");
        var credentials = await credentialsOf.ForAsync(db, transaction);

        bool? reservationOpen;
        try
        {
            await gateway.CheckOrderStatusAsync(credentials, transaction.ReservationNumber);
            reservationOpen = true;
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Rno)
        {
            reservationOpen = false;
        }
        catch (KlarnaException e)
        {
            throw new BusinessRuleException($"Klarna could not be asked, try again later: {e.Message}");
        }
        if (invoiceNumber is { Length: > 0 } && await InvoiceExistsAsync(credentials, invoiceNumber) is false)
            throw new BusinessRuleException($"Klarna does not know invoice {invoiceNumber} for this merchant.");

        var wholeCapture = operation.Kind == OperationKind.Capture && operation.Lines.Count == 0 && operation.Amount == transaction.RemainingAmount;
        var done = operation.Kind switch
        {
            OperationKind.Capture when invoiceNumber is { Length: > 0 } => true,
            OperationKind.Capture when wholeCapture && reservationOpen == true => false,
            OperationKind.Cancel => !reservationOpen,
            _ => happened,
        };
        var now = time.GetUtcNow();
        string message;
        if (done is null)
        {
            return new OperationOutcome(operation.Id, OperationState.Unknown, operation.Kind == OperationKind.Capture
                ? $"Klarna shows the reservation {(reservationOpen == true ? "still open" : "closed")}. Look the order up in Klarna Online: enter the invoice number if it was captured, or confirm that it was not."
                : $"Klarna's legacy API cannot show whether the {operation.Kind.ToString().ToLowerInvariant()} happened. Look the order up in Klarna Online and confirm whether it did.");
        }
        if (done == false)
        {
            operation.Fail(now, 0, $"Reconciled by {user.Name()}: it did not happen at Klarna.");
            message = $"Reconciled: the {operation.Kind.ToString().ToLowerInvariant()} did not happen; nothing changed.";
        }
        else
        {
            var (amount, articles) = (operation.Amount, operation.Lines.Select(l => new ArticleQuantity(l.ArticleNumber, l.Quantity)).ToList());
            message = "Reconciled: " + operation.Kind switch
            {
                OperationKind.Capture => ApplyReconciledCapture(db, transaction, amount, articles, invoiceNumber!),
                OperationKind.Cancel => Cancelled(transaction),
                OperationKind.Reduce => Reduced(transaction, amount!.Value),
                OperationKind.Refund => await RefundedAsync(db, transaction, operation, articles),
                _ => "done.",
            };
            operation.Succeed(now, operation.Kind == OperationKind.Capture ? invoiceNumber : operation.InvoiceNumber);
        }
        transaction.EndOperation(operation.Id);
        db.AuditEntries.Add(new AuditEntry(now, user.Name(), "Transactions", $"Reconciled {operation.Kind}", $"{transaction.OrderNumber} ({transaction.ReservationNumber})", message, done == true));
        await db.SaveChangesAsync();
        return new OperationOutcome(operation.Id, operation.State, message, operation.InvoiceNumber);
    }

    private async Task<bool> InvoiceExistsAsync(KlarnaCredentials credentials, string invoiceNumber)
    {
        try
        {
            return await gateway.CheckOrderStatusAsync(credentials, invoiceNumber) == OrderStatus.Accepted;
        }
        catch (KlarnaFaultException)
        {
            return false;
        }
    }

    private string ApplyReconciledCapture(BackOfficeDbContext db, Transaction transaction, long? amount, List<ArticleQuantity> articles, string invoiceNumber)
    {
        var captured = articles.Count > 0 ? transaction.LineCapture(articles).Amount : amount ?? transaction.RemainingAmount;
        var lines = articles.Select(a => Line(transaction, a.ArticleNumber, a.Quantity)).ToList();
        transaction.Capture(captured, articles.Count > 0 ? articles : captured == transaction.RemainingAmount ? Uncaptured(transaction) : null);
        db.Invoices.Add(new Invoice(transaction.Id, invoiceNumber, captured, lines, time.GetUtcNow()));
        return $"captured {Money.Format(captured, transaction.Currency)} on invoice {invoiceNumber}.";
    }

    private static string Cancelled(Transaction transaction)
    {
        transaction.Cancel();
        return "the reservation was cancelled.";
    }

    private static string Reduced(Transaction transaction, long amount)
    {
        transaction.Reduce(amount);
        return $"the reservation is {Money.Format(amount, transaction.Currency)}.";
    }

    private static async Task<string> RefundedAsync(BackOfficeDbContext db, Transaction transaction, Operation operation, List<ArticleQuantity> articles)
    {
        var invoice = await db.Invoices.SingleAsync(i => i.TransactionId == transaction.Id && i.InvoiceNumber == operation.InvoiceNumber);
        var amount = articles.Count > 0 ? invoice.LineRefund(articles).Amount : operation.Amount ?? invoice.RefundableAmount;
        invoice.Refund(amount, articles);
        transaction.Refund(amount);
        return $"refunded {Money.Format(amount, transaction.Currency)} on invoice {invoice.InvoiceNumber}.";
    }

    private async Task<OperationOutcome> RunAsync(
        ClaimsPrincipal user, Guid transactionId, OperationKind kind, Func<Transaction, Invoice?, long?> amountOf, IReadOnlyList<ArticleQuantity> articles, string? invoiceNumber, string reason,
        Func<Transaction, Invoice?, string?> validate,
        Func<KlarnaCredentials, Transaction, Invoice?, Task<string?>> call,
        Func<BackOfficeDbContext, Transaction, Invoice?, string?, string> apply)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        if (reason.Length > 500)
            throw new BusinessRuleException("A reason has at most 500 characters.");

        Operation operation;
        Transaction snapshot;
        Invoice? invoiceSnapshot;
        KlarnaCredentials credentials;
        await using (var db = await databases.CreateDbContextAsync())
        {
            snapshot = await FindAsync(db, transactionId);
            invoiceSnapshot = invoiceNumber is null ? null : await db.Invoices.SingleOrDefaultAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == invoiceNumber);
            if (validate(snapshot, invoiceSnapshot) is { } error)
                throw new BusinessRuleException(error);
            credentials = await credentialsOf.ForAsync(db, snapshot);
            operation = new Operation(transactionId, kind, amountOf(snapshot, invoiceSnapshot), articles, invoiceNumber, reason.Trim(), user.Name(), time.GetUtcNow());
            snapshot.BeginOperation(operation.Id);
            db.Operations.Add(operation);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new BusinessRuleException("Someone else is acting on this transaction right now. Reload it to see what they did.");
            }
        }

        string? resultNumber = null;
        Exception? failure = null;
        try
        {
            resultNumber = await call(credentials, snapshot, invoiceSnapshot);
        }
        catch (KlarnaException e)
        {
            failure = e;
        }

        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = await FindAsync(db, transactionId);
            var invoice = invoiceNumber is null ? null : await db.Invoices.SingleAsync(i => i.TransactionId == transactionId && i.InvoiceNumber == invoiceNumber);
            db.Attach(operation);
            var now = time.GetUtcNow();
            string message;
            switch (failure)
            {
                case null:
                    message = apply(db, transaction, invoice, resultNumber);
                    operation.Succeed(now, resultNumber);
                    transaction.EndOperation(operation.Id);
                    break;
                case KlarnaFaultException fault:
                    message = KlarnaFaultMessages.For(fault);
                    operation.Fail(now, fault.RawCode, fault.FaultString);
                    transaction.EndOperation(operation.Id);
                    break;
                case KlarnaUnavailableException unavailable:
                    message = $"Klarna could not be reached; nothing happened. {unavailable.Message}";
                    operation.Fail(now, 0, unavailable.Message);
                    transaction.EndOperation(operation.Id);
                    break;
                default:
                    message = $"Klarna's answer never arrived, so it is not known whether this happened. It will not be sent again: reconcile the transaction. ({failure.Message})";
                    operation.MarkUnknown(now, failure.Message);
                    break;
            }
            db.AuditEntries.Add(new AuditEntry(now, user.Name(), "Transactions", kind.ToString(), $"{transaction.OrderNumber} ({transaction.ReservationNumber})",
                $"{message}{(operation.Reason.Length > 0 ? $" Reason: {operation.Reason}" : "")}", operation.State == OperationState.Succeeded));
            await db.SaveChangesAsync();
            return new OperationOutcome(operation.Id, operation.State, message, operation.InvoiceNumber);
        }
    }

    private static async Task<Transaction> FindAsync(BackOfficeDbContext db, Guid id) =>
        await db.Transactions.SingleOrDefaultAsync(t => t.Id == id) ?? throw new BusinessRuleException("There is no such transaction.");

    private static InvoiceLine Line(Transaction transaction, string articleNumber, int quantity)
    {
        var line = transaction.Lines.Single(l => l.ArticleNumber == articleNumber);
        return new InvoiceLine(line.ArticleNumber, line.Title, quantity, line.UnitPrice, line.VatPercent);
    }

    private static List<ArticleQuantity> Uncaptured(Transaction transaction) =>
        [.. transaction.Lines.Where(l => l.UncapturedQuantity > 0).Select(l => new ArticleQuantity(l.ArticleNumber, l.UncapturedQuantity))];
}
