using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Transactions;

public enum OperationKind
{
    Capture,

    [Display(Name = "Reduction")]
    Reduce,

    [Display(Name = "Cancellation")]
    Cancel,
    Refund,

    [Display(Name = "Invoice sent again")]
    ResendInvoice,

    [Display(Name = "Expiry extension")]
    ExtendExpiry,
    StatusCheck,

    [Display(Name = "Address change")]
    ChangeAddress,

    [Display(Name = "Order number change")]
    ChangeOrderNumber,

    [Display(Name = "Due date extension")]
    ExtendDueDate,

    [Display(Name = "Lines edited")]
    EditLines,
}

/// <summary>What part of its target an operation covers, which decides the Klarna call.</summary>
public enum OperationScope
{
    /// <summary>All of it: activate / cancel a whole reservation, credit_invoice.</summary>
    Whole,

    /// <summary>An amount: split_reservation then activate, return_amount, change_reservation.</summary>
    Amount,

    /// <summary>Line quantities: activate with artnos, credit_part.</summary>
    Lines,
}

public enum OperationState
{
    /// <summary>Written before the call; the call may still be in flight.</summary>
    Requested,
    Succeeded,
    Failed,

    /// <summary>The call can no longer be in flight and its outcome is not known: only a reconciliation settles it.</summary>
    Unknown,
}

/// <summary>
/// The journal of one money action: written (Requested) and the transaction claimed before Klarna is called; what
/// Klarna answers is recorded on it before anything else is written; then the books are changed from it (the same
/// step settles it when it is reconciled). An operation whose outcome is not known is settled from Klarna's state or
/// the operator's word, never by sending the call again.
/// </summary>
public sealed class Operation
{
    private Operation()
    {
    }

    public Operation(Guid transactionId, OperationKind kind, OperationScope scope, string? reference, long? amount,
        IReadOnlyList<LineQuantity> lines, string? invoiceNumber, string reason, string user, DateTimeOffset requestedAt, DateTimeOffset inFlightUntil,
        string? change = null, bool idempotent = false)
    {
        (TransactionId, Kind, Scope, Reference, Amount, InvoiceNumber, Reason, User, RequestedAt, InFlightUntil, Change) =
            (transactionId, kind, scope, reference, amount, invoiceNumber, reason, user, requestedAt, inFlightUntil, change);
        RequestId = idempotent ? Id.ToString("N") : null;
        Lines = [.. lines.Select(l => new OperationLine(l.ArticleNumber, l.Quantity))];
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TransactionId { get; private set; }
    public OperationKind Kind { get; private set; }
    public OperationScope Scope { get; private set; }

    /// <summary>The provider's reference acted on: the transaction's own, or a part split off it.</summary>
    public string? Reference { get; private set; }

    /// <summary>For a capture, the amount captured; for a reduction, the order's new total; for a refund, the amount refunded.</summary>
    public long? Amount { get; private set; }

    /// <summary>The line quantities covered (sent to Klarna when <see cref="Scope"/> is Lines).</summary>
    public List<OperationLine> Lines { get; private set; } = [];

    public string Reason { get; private set; } = "";
    public string User { get; private set; } = "";
    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary>After this, the call cannot be in flight any more (the gateway's timeout for each of its calls, and a margin).</summary>
    public DateTimeOffset InFlightUntil { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }
    public OperationState State { get; private set; }
    public int? FaultCode { get; private set; }
    public string? FaultText { get; private set; }

    /// <summary>What happened, for the timeline: e.g. what a status check heard.</summary>
    public Message? Detail { get; private set; }

    /// <summary>For a refund or resend, the invoice it was for; for a capture, the invoice it made.</summary>
    public string? InvoiceNumber { get; private set; }

    /// <summary>For a capture by amount at a provider that splits: the part split off for it, recorded as soon as the provider answered.</summary>
    public string? SplitReference { get; private set; }

    /// <summary>When Klarna's successful answer was recorded; the books may not show it yet if writing them failed.</summary>
    public DateTimeOffset? AnsweredAt { get; private set; }

    /// <summary>For an extension, the expiry Klarna answered.</summary>
    public DateTimeOffset? NewExpiry { get; private set; }

    /// <summary>What the operation sets, as its row keeps it (written before the call); <see cref="Sets"/> reads it.</summary>
    public string? Change { get; private set; }

    /// <summary>What the operation sets besides amounts and lines: a new order number, new addresses, the days a due date moves, the release of the rest.</summary>
    public OperationChange? Sets => OperationChange.Read(Kind, Change);

    /// <summary>For a due-date extension, the due date Klarna answered.</summary>
    public DateOnly? NewDueDate { get; private set; }

    /// <summary>
    /// The idempotency key sent with the call, written before the first send: a repeat with it
    /// returns the first call's final answer instead of acting again. Null for a provider without one.
    /// </summary>
    public string? RequestId { get; private set; }

    /// <summary>How often the call was sent: more than once only with the same <see cref="RequestId"/>, after an inquiry.</summary>
    public int Sends { get; private set; } = 1;

    /// <summary>The provider's id of this step, as it answered.</summary>
    public string? ProviderReference { get; private set; }

    /// <summary>The provider's batch file the call goes in instead of being sent; its response settles it.</summary>
    public Guid? BatchId { get; private set; }

    public IReadOnlyList<LineQuantity> Articles => [.. Lines.Select(l => new LineQuantity(l.ArticleNumber, l.Quantity))];

    public bool IsSettled => State is OperationState.Succeeded or OperationState.Failed;

    /// <summary>Whether the action may still be under way: waiting for Klarna's answer, or writing it into the books.</summary>
    public bool IsInFlight(DateTimeOffset now) => State == OperationState.Requested && now < InFlightUntil;

    /// <summary>Only an outcome that is not known, and cannot arrive any more, may be reconciled.</summary>
    public bool CanReconcile(DateTimeOffset now) => !IsSettled && !IsInFlight(now);

    public void RecordAnswer(DateTimeOffset at, string? invoiceNumber, DateTimeOffset? newExpiry, DateOnly? newDueDate = null, string? providerReference = null)
    {
        EnsureOpen();
        (AnsweredAt, NewExpiry, NewDueDate) = (at, newExpiry, newDueDate);
        InvoiceNumber = invoiceNumber ?? InvoiceNumber;
        ProviderReference = providerReference ?? ProviderReference;
    }

    /// <summary>The call goes in a batch file instead of being sent: it is under way until the file's response is imported.</summary>
    public void QueueIn(Guid batchId, Message detail)
    {
        EnsureOpen();
        (BatchId, Detail) = (batchId, detail);
    }

    /// <summary>A queued call taken back out of its batch before the file was written: it ends, never having been sent.</summary>
    public void Withdraw(DateTimeOffset at, Message why)
    {
        if (BatchId is null || State != OperationState.Requested)
            throw new InvalidOperationException($"Operation {Id} is not waiting in a batch.");
        (BatchId, Detail) = (null, why);
        Complete(OperationState.Failed, at);
    }

    /// <summary>
    /// Sends the call again with the same <see cref="RequestId"/>, which only an operation of unknown outcome whose
    /// provider honours the key may do: it is in flight again until <paramref name="inFlightUntil"/>.
    /// </summary>
    public void SendAgain(DateTimeOffset inFlightUntil, Message why)
    {
        if (RequestId is null || State != OperationState.Unknown)
            throw new InvalidOperationException($"Operation {Id} cannot be sent again.");
        (State, CompletedAt, InFlightUntil, Detail) = (OperationState.Requested, null, inFlightUntil, why);
        Sends++;
    }

    public void RecordSplit(string reference)
    {
        EnsureOpen();
        SplitReference = reference;
    }

    public void Succeed(DateTimeOffset at, Message? detail = null)
    {
        // A call sent again keeps why it was: what the inquiry showed.
        Detail = detail ?? (Sends > 1 ? Detail : null);
        Complete(OperationState.Succeeded, at);
    }

    public void Fail(DateTimeOffset at, int code, string text)
    {
        (FaultCode, FaultText) = (code, Shorten(text));
        Complete(OperationState.Failed, at);
    }

    /// <summary>A reconciliation found the operation did not happen at Klarna.</summary>
    public void FailReconciled(DateTimeOffset at, Message finding)
    {
        Detail = finding;
        Complete(OperationState.Failed, at);
    }

    public void MarkUnknown(DateTimeOffset at, Message reason)
    {
        Detail = reason;
        Complete(OperationState.Unknown, at);
    }

    private void Complete(OperationState state, DateTimeOffset at)
    {
        EnsureOpen();
        (State, CompletedAt) = (state, at);
    }

    private void EnsureOpen()
    {
        if (IsSettled)
            throw new InvalidOperationException($"Operation {Id} was completed already.");
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000];
}

public sealed record OperationLine(string ArticleNumber, int Quantity);

/// <summary>How <see cref="Operation"/> is kept.</summary>
internal sealed class OperationConfiguration : IEntityTypeConfiguration<Operation>
{
    public void Configure(EntityTypeBuilder<Operation> operation)
    {
        operation.HasOne<Transaction>().WithMany().HasForeignKey(o => o.TransactionId).OnDelete(DeleteBehavior.Restrict);
        operation.HasIndex(o => new { o.TransactionId, o.RequestedAt });
        operation.HasIndex(o => o.State);
        // The overview's refunds of the last 30 days, without reading every succeeded operation.
        operation.HasIndex(o => new { o.Kind, o.State, o.CompletedAt });
        operation.Property(o => o.Reason).HasMaxLength(500);
        operation.Property(o => o.User).HasMaxLength(256);
        operation.Property(o => o.FaultText).HasMaxLength(2000);
        operation.Property(o => o.Detail).HasMaxLength(1000).HasConversion(m => m!.ToJson(), s => Message.FromJson(s));
        operation.Property(o => o.InvoiceNumber).HasMaxLength(40);
        // The columns keep the names they were born with.
        operation.Property(o => o.Reference).HasColumnName("ReservationNumber").HasMaxLength(40);
        operation.Property(o => o.SplitReference).HasColumnName("SplitReservationNumber").HasMaxLength(40);
        operation.Property(o => o.Change).HasMaxLength(4000);
        operation.Ignore(o => o.Sets);
        operation.Property(o => o.RequestId).HasMaxLength(32);
        // Some providers' request ids are over 40 characters long (42 seen).
        operation.Property(o => o.ProviderReference).HasMaxLength(100);
        // Two reconciliations sending a call again at once: the second one's save is refused. Every change of state is
        // saved against the state it was read in, so a late "unknown" never overwrites a settlement made meanwhile.
        operation.Property(o => o.Sends).IsConcurrencyToken();
        operation.Property(o => o.State).IsConcurrencyToken();
        operation.ComplexCollection(o => o.Lines, lines => lines.ToJson());
        operation.Ignore(o => o.Articles);
    }
}
