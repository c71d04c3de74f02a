namespace BackOffice.Web.Features.Webhooks;

/// <summary>How deliveries are made (<c>Webhooks</c> in configuration).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long an endpoint has to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after an endpoint's first failure; it doubles with each failure in a row.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LongestWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An event not delivered by then is given up.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An endpoint that has failed this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a rotated secret still signs.</summary>
    public TimeSpan PreviousSecretValidFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A retry due within this is waited for by the running delivery; a later one is scheduled in Hangfire.</summary>
    public TimeSpan WaitInProcess { get; set; } = TimeSpan.FromSeconds(30);
}
