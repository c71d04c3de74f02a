using System.ComponentModel.DataAnnotations;

namespace BackOffice.Web.Features.Computop;

/// <summary>Paygate's address when a service names none, and how long a call may take (section <c>Computop</c>).</summary>
public sealed class ComputopOptions
{
    public const string Section = "Computop";

    [Required]
    public Uri BaseUrl { get; set; } = new("https://www.computop-paygate.com/");

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
