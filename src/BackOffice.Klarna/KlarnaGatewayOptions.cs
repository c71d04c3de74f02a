using System.ComponentModel.DataAnnotations;

namespace BackOffice.Klarna;

public sealed class KlarnaGatewayOptions
{
    public const string Section = "Klarna:Gateway";

    [Required]
    public Uri LiveUrl { get; set; } = new("https://payment.klarna.com/");

    [Required]
    public Uri TestUrl { get; set; } = new("https://payment.testdrive.klarna.com/");

    /// <summary>Per call (per attempt for reads).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a failed read call (status, PClasses, addresses, ping) is tried again.</summary>
    [Range(0, 10)]
    public int ReadRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReadRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Sent as proto_vsn; Klarna accepts 4.1 and 4.2.</summary>
    [RegularExpression(@"^4\.[12]$")]
    public string ProtocolVersion { get; set; } = "4.1";

    [Required]
    public string ClientVersion { get; set; } = "dotnet:api:1.0.0";
}
