using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Data;

/// <summary>A member of the merchant's staff. Identity's stores set these properties, so they stay settable.</summary>
public sealed class ApplicationUser : IdentityUser
{
    [PersonalData]
    public string DisplayName { get; set; } = "";

    /// <summary>When an administrator deactivated the account: it can no longer sign in, and its sessions end.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>The time zone the user reads times in (an IANA id); null for the back office's (Display:TimeZone).</summary>
    public string? TimeZone { get; set; }

    /// <summary>The language the user reads pages in ("en", "de"); null for the browser's.</summary>
    public string? Language { get; set; }

    /// <summary>Until when the last set-password link works (24 hours after it was made); null once used or when none is out.</summary>
    public DateTimeOffset? SetPasswordLinkExpiresAt { get; set; }
}

/// <summary>How <see cref="ApplicationUser"/> is kept.</summary>
internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(100);
        user.Property(u => u.Language).HasMaxLength(8);
    }
}
