namespace BackOffice.Web.Components.Account;

/// <summary>What the lockout page says about until when; passed in the one-time status cookie, never in the address.</summary>
internal static class LockoutMessage
{
    public static string For(DateTimeOffset? end) => end switch
    {
        { } until when until >= DateTimeOffset.MaxValue.AddYears(-1) => "Error: This account is locked until an administrator unlocks it.",
        { } until => $"Error: Too many failed attempts: this account is locked until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC.",
        _ => "Error: This account is locked.",
    };
}
