namespace BackOffice.Computop;

public abstract class ComputopException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A capture, credit or reverse timed out, met a server or network error, or got an answer that could not be read: it
/// may or may not have happened. Inquire before sending it again, with the same ReqId.
/// </summary>
public sealed class ComputopOutcomeUnknownException(string operation, string reason, Exception? inner = null)
    : ComputopException($"The outcome of {operation} is unknown: {reason}", inner)
{
    public string Operation { get; } = operation;
}

/// <summary>An inquiry could not reach Paygate or read its answer; nothing changed.</summary>
public sealed class ComputopUnavailableException(string operation, string reason, Exception? inner = null)
    : ComputopException($"Computop could not be reached for {operation}: {reason}", inner);

/// <summary>A message (an answer or a notification) that cannot be Paygate's: wrong Data or Len, wrong MAC, wrong merchant.</summary>
public sealed class PaygateMessageException(string message, Exception? inner = null) : ComputopException(message, inner);
