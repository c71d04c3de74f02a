namespace BackOffice.ECommPay;

public abstract class ECommPayException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>ECommPay answered <c>{"status":"error","code","message"}</c>: nothing was done.</summary>
public sealed class ECommPayRefusedException(string code, string text)
    : ECommPayException($"ECommPay refused ({code}): {text}")
{
    public string Code { get; } = code;
    public string Text { get; } = text;
    public ECommPayOutcome Outcome => ECommPayCodes.Classify(Code);
}

/// <summary>ECommPay could not be reached, or a question (a status request) was not answered: nothing was done.</summary>
public sealed class ECommPayUnavailableException(string operation, string reason, Exception? inner = null)
    : ECommPayException($"ECommPay could not be reached for {operation}: {reason}", inner);

/// <summary>
/// A refund request timed out or met a server error or an unreadable answer: it may have been taken. Ask for the
/// payment's status (at least 10 s later) and adopt the refund if it is there; send it again, with the same
/// <c>merchant_refund_id</c>, only when it is not (PROTOCOL.md §6).
/// </summary>
public sealed class ECommPayOutcomeUnknownException(string operation, string reason, Exception? inner = null)
    : ECommPayException($"The outcome of {operation} is unknown: {reason}", inner);
