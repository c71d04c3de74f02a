namespace BackOffice.ECommPay.Sandbox;

/// <summary>
/// ECommPay's callback retries (PROTOCOL.md §6): six every 10 s, then 70 + 10·1.12^(n−4) s until that reaches 4 h,
/// then every 4 h, at most 120 attempts.
/// </summary>
public static class ECommPayRetrySchedule
{
    public const int MaxAttempts = 120;
    private static readonly TimeSpan Cap = TimeSpan.FromHours(4);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based), or null when none is left.</summary>
    public static TimeSpan? After(int attempt)
    {
        if (attempt >= MaxAttempts)
            return null;
        if (attempt <= 6)
            return TimeSpan.FromSeconds(10);
        var seconds = 70 + 10 * Math.Pow(1.12, attempt - 4);
        return seconds >= Cap.TotalSeconds ? Cap : TimeSpan.FromSeconds(seconds);
    }
}
