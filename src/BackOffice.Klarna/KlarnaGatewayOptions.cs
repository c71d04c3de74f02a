using Microsoft.Extensions.Options;

namespace BackOffice.Klarna;

public sealed class KlarnaGatewayOptions
{
    public const string Section = "Klarna:Gateway";

    public Uri LiveUrl { get; set; } = new("https://payment.klarna.com/");

    public Uri TestUrl { get; set; } = new("https://payment.testdrive.klarna.com/");

    /// <summary>Per call (per attempt for reads).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a failed read call (status, PClasses, addresses, ping) is tried again.</summary>
    public int ReadRetries { get; set; } = 2;

    public TimeSpan ReadRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Sent as proto_vsn; Klarna accepts 4.1 and 4.2.</summary>
    public string ProtocolVersion { get; set; } = "4.1";

    public string ClientVersion { get; set; } = "dotnet:api:1.0.0";
}

/// <summary>Start-up checks; each failure names the configuration key to fix.</summary>
public sealed class KlarnaGatewayOptionsValidator : IValidateOptions<KlarnaGatewayOptions>
{
    private const string Section = KlarnaGatewayOptions.Section;

    public ValidateOptionsResult Validate(string? name, KlarnaGatewayOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, url) in new[] { ("LiveUrl", options.LiveUrl), ("TestUrl", options.TestUrl) })
        {
            if (url is null || !url.IsAbsoluteUri || url.Scheme is not ("https" or "http"))
                errors.Add($"{Section}:{key} must be an absolute http(s) URL, not '{url}'.");
        }
        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(5))
            errors.Add($"{Section}:Timeout must be between 00:00:00.1 and 00:05:00, not {options.Timeout}.");
        if (options.ReadRetries is < 0 or > 10)
            errors.Add($"{Section}:ReadRetries must be between 0 and 10, not {options.ReadRetries}.");
        if (options.ReadRetryDelay < TimeSpan.Zero || options.ReadRetryDelay > TimeSpan.FromMinutes(1))
            errors.Add($"{Section}:ReadRetryDelay must be between 0 and 00:01:00, not {options.ReadRetryDelay}.");
        if (options.ProtocolVersion is not ("4.1" or "4.2"))
            errors.Add($"{Section}:ProtocolVersion must be 4.1 or 4.2, not '{options.ProtocolVersion}'.");
        if (string.IsNullOrWhiteSpace(options.ClientVersion))
            errors.Add($"{Section}:ClientVersion must not be empty.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
