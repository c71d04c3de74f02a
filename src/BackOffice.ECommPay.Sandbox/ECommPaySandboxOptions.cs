using System.ComponentModel.DataAnnotations;

namespace BackOffice.ECommPay.Sandbox;

public sealed class ECommPaySandboxOptions
{
    public const string Section = "ECommPaySandbox";

    /// <summary>The projects the sandbox knows, each with its secret key; a request of another project is refused.</summary>
    public List<ECommPaySandboxProject> Projects { get; set; } = [];

    /// <summary>How long after a refund request its callback is sent (ECommPay decides a refund later, never in the answer).</summary>
    [Range(0, 600_000)]
    public int RefundDelayMs { get; set; } = 200;

    /// <summary>ECommPay's callback retry schedule multiplied by this (1 = ECommPay's own: 10 s, …, 4 h); less compresses it for a demo.</summary>
    [Range(0.0001, 1.0)]
    public double CallbackRetryScale { get; set; } = 1.0;

    /// <summary>Added to every Gate call before it is handled.</summary>
    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    /// <summary>Serves the control API under /_sandbox. Off by default.</summary>
    public bool ControlApi { get; set; }
}

public sealed class ECommPaySandboxProject
{
    [Range(1, long.MaxValue)]
    public long ProjectId { get; set; }

    [Required]
    public string SecretKey { get; set; } = "";

    /// <summary>Where callbacks go unless a request names its own <c>merchant_callback_url</c>.</summary>
    public string? CallbackUrl { get; set; }
}
