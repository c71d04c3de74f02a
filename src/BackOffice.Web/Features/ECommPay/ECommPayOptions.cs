using System.ComponentModel.DataAnnotations;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>How long a call to ECommPay's Gate may take (section <c>ECommPay</c>; PROTOCOL.md §1 chooses 30 s).</summary>
public sealed class ECommPayOptions
{
    public const string Section = "ECommPay";

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
