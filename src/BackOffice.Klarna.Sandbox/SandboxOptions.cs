using System.ComponentModel.DataAnnotations;

namespace BackOffice.Klarna.Sandbox;

public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>The merchants the sandbox knows: calls for any other eid fault 9113.</summary>
    public List<SandboxMerchant> Merchants { get; set; } = [];

    /// <summary>How long a pending_accepted / pending_denied reservation stays pending.</summary>
    [Range(0, 86_400)]
    public int PendingSeconds { get; set; } = 30;

    /// <summary>Added to every XML-RPC call before it is handled.</summary>
    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    /// <summary>Serves the control API under /_sandbox (latency, fault injection, inspection). Off by default.</summary>
    public bool ControlApi { get; set; }

    /// <summary>Reservations live this long unless extended.</summary>
    [Range(1, 365)]
    public int ReservationDays { get; set; } = 7;
}

public sealed class SandboxMerchant
{
    [Range(1, int.MaxValue)]
    public int Eid { get; set; }

    [Required]
    public string Secret { get; set; } = "";
}
