using System.ComponentModel.DataAnnotations;

namespace BackOffice.KlarnaRest.Sandbox;

public sealed class KlarnaRestSandboxOptions
{
    public const string Section = "KlarnaRestSandbox";

    /// <summary>The merchants the sandbox knows, by their API credentials; any other credentials get 401.</summary>
    public List<KlarnaRestSandboxMerchant> Merchants { get; set; } = [];

    /// <summary>Days an authorization lasts, and how far extending it reaches (Klarna's default is 28).</summary>
    [Range(1, 180)]
    public int AuthorizationDays { get; set; } = 28;

    /// <summary>Klarna's fee on each sale, in hundredths of a percent (290 = 2.9 %), and a fixed part in minor units.</summary>
    [Range(0, 10_000)]
    public int FeeBasisPoints { get; set; } = 290;

    [Range(0, 100_000)]
    public long FixedFee { get; set; } = 30;

    /// <summary>Added to every call before it is handled.</summary>
    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    /// <summary>Serves the control API under /_sandbox. Off by default.</summary>
    public bool ControlApi { get; set; }
}

public sealed class KlarnaRestSandboxMerchant
{
    /// <summary>The merchant id (MID) payouts name.</summary>
    [Required]
    public string MerchantId { get; set; } = "";

    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";
}
