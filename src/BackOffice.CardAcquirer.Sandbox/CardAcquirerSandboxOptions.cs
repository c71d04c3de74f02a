using System.ComponentModel.DataAnnotations;

namespace BackOffice.CardAcquirer.Sandbox;

public sealed class CardAcquirerSandboxOptions
{
    public const string Section = "CardAcquirerSandbox";

    /// <summary>The merchant accounts the sandbox knows, by their API keys; any other key gets 401.</summary>
    public List<CardAcquirerSandboxMerchant> Merchants { get; set; } = [];

    /// <summary>Added to every call before it is handled.</summary>
    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    /// <summary>Serves the control API under /_sandbox. Off by default.</summary>
    public bool ControlApi { get; set; }
}

public sealed class CardAcquirerSandboxMerchant
{
    [Required]
    public string MerchantAccount { get; set; } = "";

    [Required]
    public string ApiKey { get; set; } = "";
}
