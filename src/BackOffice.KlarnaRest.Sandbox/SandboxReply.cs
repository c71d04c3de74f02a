namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>What the sandbox answers a call: a status, a body, and for a created capture or refund its id and where it is.</summary>
public sealed record SandboxReply(int Status, object? Body = null, string? IdHeader = null, string? Id = null, string? Location = null)
{
    public static readonly SandboxReply NoContent = new(204);

    public static SandboxReply Ok(object body) => new(200, body);

    public static SandboxReply Error(int status, string code, params string[] messages) => new(status, new ErrorBody(code, messages));

    public static SandboxReply NoSuchOrder(string orderId) => Error(404, "NO_SUCH_ORDER", $"Order {orderId} cannot be found.");

    public sealed record ErrorBody(string ErrorCode, IReadOnlyList<string> ErrorMessages);
}

/// <summary>A call that changed something at the sandbox, for tests that look for a second execution.</summary>
public sealed record KlarnaRestExecution(string Operation, string OrderId, long? Amount, string? IdempotencyKey, string? Result, DateTimeOffset At);
