namespace BackOffice.ECommPay.Sandbox;

/// <summary>A Sofort purchase as the sandbox keeps it: the sale and each refund are its operations.</summary>
public sealed class SandboxPayment
{
    public required long ProjectId { get; init; }
    public required string Id { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string Description { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public string? CallbackUrl { get; init; }

    /// <summary><c>processing</c> at the customer's bank, then <c>success</c> or <c>decline</c>; <c>partially refunded</c> / <c>refunded</c> after refunds.</summary>
    public string Status { get; set; } = "processing";

    public DateTimeOffset Date { get; set; }

    public List<SandboxOperation> Operations { get; } = [];

    public SandboxOperation Sale => Operations[0];

    /// <summary>What refunds took and what those still being decided hold: a new refund must fit beside both.</summary>
    public long RefundedAmount => Operations.Where(o => o.Type == "refund" && o.Status == "success").Sum(o => o.Amount);

    public long PendingRefunds => Operations.Where(o => o.Type == "refund" && o.Status == "processing").Sum(o => o.Amount);

    public bool IsPaid => Status is "success" or "partially refunded" or "refunded";
}

public sealed class SandboxOperation
{
    public required long Id { get; init; }
    public required string Type { get; init; }
    public required string RequestId { get; init; }
    public string? MerchantRefundId { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Status { get; set; } = "processing";
    public string Code { get; set; } = "9999";
    public string Message { get; set; } = "Awaiting processing";
    public DateTimeOffset Date { get; set; }

    /// <summary>How a refund will end, decided when it was asked for (pending refunds count against what is left).</summary>
    public bool WillSucceed { get; init; } = true;
}

/// <summary>One callback the sandbox sent or is sending, with every attempt.</summary>
public sealed record ECommPayDelivery(int Id, string Url, string PaymentId, long OperationId, string Status, string Body)
{
    public List<ECommPayAttempt> Attempts { get; } = [];

    public bool Delivered => Attempts.Any(a => a.Status == 200);
}

public sealed record ECommPayAttempt(int Number, int? Status, DateTimeOffset At, bool Manual, bool Forged);
