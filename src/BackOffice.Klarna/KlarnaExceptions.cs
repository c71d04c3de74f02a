namespace BackOffice.Klarna;

public abstract class KlarnaException : Exception
{
    protected KlarnaException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>Klarna answered with a fault: the call was refused and nothing happened.</summary>
public sealed class KlarnaFaultException(int rawCode, string faultString)
    : KlarnaException($"Klarna fault {rawCode} ({faultString})")
{
    public int RawCode { get; } = rawCode;

    public KlarnaFaultCode Code { get; } = Enum.IsDefined(typeof(KlarnaFaultCode), rawCode) ? (KlarnaFaultCode)rawCode : KlarnaFaultCode.Other;

    public string FaultString { get; } = faultString;
}

/// <summary>
/// A call that moves money or changes a reservation timed out, met a server or network error, or got an answer
/// that could not be read: it may or may not have happened at Klarna. Never re-send it; reconcile from Klarna's state.
/// </summary>
public sealed class KlarnaOutcomeUnknownException(string method, string reason, Exception? inner = null)
    : KlarnaException($"The outcome of {method} is unknown: {reason}", inner)
{
    public string Method { get; } = method;
}

/// <summary>A read call (status, PClasses, addresses, ping) could not reach Klarna, even after retries.</summary>
public sealed class KlarnaUnavailableException(string method, string reason, Exception? inner = null)
    : KlarnaException($"Klarna could not be reached for {method}: {reason}", inner)
{
    public string Method { get; } = method;
}
