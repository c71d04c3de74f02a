namespace BackOffice.Klarna.XmlRpc;

public sealed record XmlRpcCall(string Method, IReadOnlyList<object> Parameters);

public sealed record XmlRpcFault(int Code, string Message);

public sealed record XmlRpcResponse(object? Value, XmlRpcFault? Fault)
{
    public static XmlRpcResponse Success(object value) => new(value, null);

    public static XmlRpcResponse Failure(XmlRpcFault fault) => new(null, fault);
}

/// <summary>The message is not XML-RPC, or a value is not of the type the protocol needs there.</summary>
public sealed class XmlRpcFormatException : Exception
{
    public XmlRpcFormatException(string message) : base(message)
    {
    }

    public XmlRpcFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
