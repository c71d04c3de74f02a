namespace BackOffice.Web.Features.Transactions;

public enum OperationKind
{
    Capture,
    Reduce,
    Cancel,
    Refund,
    ResendInvoice,
    ExtendExpiry,
    StatusCheck,
}

public enum OperationState
{
    Requested,
    Succeeded,
    Failed,
    Unknown,
}

/// <summary>
/// The journal of one money action: written (Requested) before the gateway is called and completed after it. An
/// operation left Requested or Unknown is settled from Klarna's state, never by sending the call again.
/// </summary>
public sealed class Operation
{
    private Operation()
    {
    }

    public Operation(Guid transactionId, OperationKind kind, long? amount, IReadOnlyList<BackOffice.Klarna.ArticleQuantity> lines,
        string? invoiceNumber, string reason, string user, DateTimeOffset requestedAt)
    {
        (TransactionId, Kind, Amount, Lines, InvoiceNumber, Reason, User, RequestedAt) =
            (transactionId, kind, amount, [.. lines.Select(l => new OperationLine(l.ArticleNumber, l.Quantity))], invoiceNumber, reason, user, requestedAt);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TransactionId { get; private set; }
    public OperationKind Kind { get; private set; }
    public long? Amount { get; private set; }
    public List<OperationLine> Lines { get; private set; } = [];
    public string Reason { get; private set; } = "";
    public string User { get; private set; } = "";
    public DateTimeOffset RequestedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public OperationState State { get; private set; }
    public int? FaultCode { get; private set; }
    public string? FaultText { get; private set; }

    /// <summary>What happened, for the timeline: e.g. what a status check heard.</summary>
    public string? Detail { get; private set; }

    /// <summary>For a refund or resend, the invoice it was for; for a capture, the invoice it made.</summary>
    public string? InvoiceNumber { get; private set; }

    public void Succeed(DateTimeOffset at, string? invoiceNumber = null, string? detail = null)
    {
        Detail = detail;
        Complete(OperationState.Succeeded, at, invoiceNumber ?? InvoiceNumber);
    }

    public void Fail(DateTimeOffset at, int code, string text)
    {
        (FaultCode, FaultText) = (code, text);
        Complete(OperationState.Failed, at, InvoiceNumber);
    }

    public void MarkUnknown(DateTimeOffset at, string reason)
    {
        FaultText = reason;
        Complete(OperationState.Unknown, at, InvoiceNumber);
    }

    private void Complete(OperationState state, DateTimeOffset at, string? invoiceNumber)
    {
        if (State is OperationState.Succeeded or OperationState.Failed)
            throw new InvalidOperationException($"Operation {Id} was completed already.");
        (State, CompletedAt, InvoiceNumber) = (state, at, invoiceNumber);
    }
}

public sealed record OperationLine(string ArticleNumber, int Quantity);
