using Microsoft.Extensions.Localization;

namespace BackOffice.Web.Components.Account;

/// <summary>What the lockout page says about until when; passed in the one-time status cookie, never in the address.</summary>
internal static class LockoutMessage
{
    /// <summary>In the reader's language: it travels in the status cookie, where a time cannot be filled in later.</summary>
    public static string For(DateTimeOffset? end, IStringLocalizer texts) => end switch
    {
        { } until when until >= DateTimeOffset.MaxValue.AddYears(-1) => texts["Error: This account is locked until an administrator unlocks it."],
        { } until => texts["Error: Too many failed attempts: this account is locked until {0} UTC.", until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)],
        _ => texts["Error: This account is locked."],
    };
}
