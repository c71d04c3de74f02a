using System.ComponentModel.DataAnnotations;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>How long a call to ECommPay's Gate may take (section <c>ECommPay</c>; PROTOCOL.md §1 chooses 30 s).</summary>
public sealed class ECommPayOptions
{
    public const string Section = "ECommPay";

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a refund was sent ECommPay answers a status request about it (PROTOCOL.md §6: 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StatusDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The address a refund names as <c>customer.ip_address</c>, which ECommPay requires: the back office's own, since a
    /// refund is asked for by the server, not from the operator's browser.
    /// </summary>
    [Required, RegularExpression(@"^[0-9a-fA-F:.]{2,45}$")]
    public string RefundIp { get; set; } = "127.0.0.1";
}
