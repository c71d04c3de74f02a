using System.ComponentModel.DataAnnotations;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>How long a call to Klarna's REST platform may take (section <c>KlarnaRest</c>).</summary>
public sealed class KlarnaRestOptions
{
    public const string Section = "KlarnaRest";

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
