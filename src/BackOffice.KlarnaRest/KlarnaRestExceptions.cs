namespace BackOffice.KlarnaRest;

/// <summary>Klarna's error body: <c>error_code</c>, <c>error_messages</c> and <c>correlation_id</c> (for Klarna's logs).</summary>
public sealed record KlarnaError(string ErrorCode, IReadOnlyList<string> ErrorMessages, string? CorrelationId)
{
    public string Text => ErrorMessages.Count > 0 ? string.Join(" ", ErrorMessages) : ErrorCode;
}

public abstract class KlarnaRestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Klarna answered and refused (a 4xx other than a rate limit or an in-flight duplicate): nothing was done.</summary>
public sealed class KlarnaRestRefusedException(int status, KlarnaError error)
    : KlarnaRestException($"Klarna refused ({status} {error.ErrorCode}): {error.Text}")
{
    public int Status { get; } = status;
    public KlarnaError Error { get; } = error;
}

/// <summary>
/// Klarna could not be reached, or said it did nothing (a rate limit that did not lift in time): nothing was done, and
/// the same call may be sent again.
/// </summary>
public sealed class KlarnaRestUnavailableException(string operation, string reason, Exception? inner = null)
    : KlarnaRestException($"Klarna could not be reached for {operation}: {reason}", inner)
{
    public string Operation { get; } = operation;
}

/// <summary>
/// A call that changes the order timed out, met a server error or an unreadable answer, or met its own first attempt
/// still in flight: it may or may not have taken effect. Read the order, and send it again with the same idempotency
/// key (within 24 hours) only if it did not.
/// </summary>
public sealed class KlarnaRestOutcomeUnknownException(string operation, string reason, Exception? inner = null)
    : KlarnaRestException($"The outcome of {operation} is unknown: {reason}", inner)
{
    public string Operation { get; } = operation;
}
