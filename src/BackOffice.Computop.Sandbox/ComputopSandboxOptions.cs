using System.ComponentModel.DataAnnotations;

namespace BackOffice.Computop.Sandbox;

public sealed class ComputopSandboxOptions
{
    public const string Section = "ComputopSandbox";

    /// <summary>The merchants the sandbox knows; a request for any other MerchantID is refused in the clear.</summary>
    public List<ComputopSandboxMerchant> Merchants { get; set; } = [];

    /// <summary>The currencies of follow-up operations (PROTOCOL.md §2.2).</summary>
    public List<string> Currencies { get; set; } = ["AUD", "CHF", "DKK", "EUR", "GBP", "NOK", "SEK", "USD"];

    /// <summary>Added to every call before it is handled.</summary>
    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    /// <summary>Serves the control API under /_sandbox (payments, latency, failures, calls, reset). Off by default.</summary>
    public bool ControlApi { get; set; }
}

public sealed class ComputopSandboxMerchant
{
    [Required]
    public string MerchantId { get; set; } = "";

    [Required]
    public string HmacKey { get; set; } = "";

    [Required]
    public string BlowfishPassword { get; set; } = "";
}
