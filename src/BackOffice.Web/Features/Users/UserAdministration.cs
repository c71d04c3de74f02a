using System.Security.Claims;
using System.Text;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Users;

public enum UserStatus
{
    /// <summary>Created, but the set-password link was not used yet.</summary>
    Invited,
    Active,
    Locked,
    Deactivated,
}

public sealed record UserRow(string Id, string Email, string DisplayName, string Role, UserStatus Status, DateTimeOffset? LockedUntil, bool TwoFactor, DateTimeOffset? LastSignInAt);

public sealed record UserSearch(string? Text = null, string? Role = null, UserStatus? Status = null);

/// <summary>A set-password link, shown once to the administrator; <see cref="Mailed"/> says whether it was also sent.</summary>
public sealed record SetPasswordLink(string Email, Uri Link, DateTimeOffset ExpiresAt, bool Mailed);

/// <summary>
/// The Users page's service: administrators create staff accounts (which set their own password through a one-time
/// link valid 24 hours), change roles, lock, deactivate and send new links. The last active administrator can never
/// be demoted, locked or deactivated. Every change is audited; a change that should end sessions renews the security
/// stamp, so open pages close within seconds and cookies stop working within a minute; services check the role at once.
/// </summary>
public sealed partial class UserAdministration(
    UserManager<ApplicationUser> users,
    BackOfficeDbContext db,
    StaffAuthorization authorization,
    UserMail mail,
    PublicAddress publicAddress,
    TimeProvider time,
    ILogger<UserAdministration> logger)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    /// <summary>How many links "Forgot password" mails one account per hour; more requests are answered alike but send nothing.</summary>
    public const int ForgotPasswordLinksPerHour = 3;

    private const string LinkRequested = "Set-password link requested";

    public async Task<IReadOnlyList<UserRow>> ListAsync(ClaimsPrincipal admin, UserSearch search)
    {
        await authorization.RequireAsync(admin, Policies.Administrator);
        var roles = await (from userRole in db.UserRoles join role in db.Roles on userRole.RoleId equals role.Id select new { userRole.UserId, role.Name })
            .ToDictionaryAsync(r => r.UserId, r => r.Name ?? "");
        var now = time.GetUtcNow();
        var rows = (await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync())
            .Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, roles.GetValueOrDefault(u.Id, ""), StatusOf(u, now), u.LockoutEnd > now ? u.LockoutEnd : null, u.TwoFactorEnabled, u.LastSignInAt));
        if (search.Text?.Trim() is { Length: > 0 } text)
            rows = rows.Where(r => r.Email.Contains(text, StringComparison.OrdinalIgnoreCase) || r.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase));
        if (search.Role is { Length: > 0 } wanted)
            rows = rows.Where(r => r.Role == wanted);
        if (search.Status is { } status)
            rows = rows.Where(r => r.Status == status);
        return [.. rows];
    }

    /// <summary>Creates the account without a password and answers the link that lets its owner set one.</summary>
    public async Task<SetPasswordLink> CreateAsync(ClaimsPrincipal admin, string email, string displayName, string role)
    {
        await authorization.RequireAsync(admin, Policies.Administrator);
        email = email.Trim();
        displayName = displayName.Trim();
        if (!Roles.All.Contains(role))
            throw new BusinessRuleException("Choose a role: {0}.", string.Join(", ", Roles.All));
        if (displayName.Length is 0 or > 100)
            throw new BusinessRuleException("Enter a display name of 1 to 100 characters.");
        if (!FieldRules.IsEmail(email))
            throw new BusinessRuleException("'{0}' is not an e-mail address.", email);
        if (await users.FindByEmailAsync(email) is not null)
            throw new BusinessRuleException("There is a user {0} already.", email);

        var user = new ApplicationUser { UserName = email, Email = email, DisplayName = displayName };
        Succeeded(await users.CreateAsync(user));
        Succeeded(await users.AddToRoleAsync(user, role));
        var link = await IssueLinkAsync(user, endSessions: true);
        await AuditAsync(admin, "User created", user, new(link.Mailed ? "{0}, {1}; set-password link valid until {2} UTC, mailed." : "{0}, {1}; set-password link valid until {2} UTC.", displayName, role, Utc(link.ExpiresAt)));
        return link;
    }

    public async Task ChangeRoleAsync(ClaimsPrincipal admin, string userId, string role)
    {
        await authorization.RequireAsync(admin, Policies.Administrator);
        if (!Roles.All.Contains(role))
            throw new BusinessRuleException("Choose a role: {0}.", string.Join(", ", Roles.All));
        await InTransactionAsync(async () =>
        {
            var user = await FindAsync(userId);
            var current = (await users.GetRolesAsync(user)).SingleOrDefault() ?? "";
            if (current == role)
                return;
            if (current == Roles.Administrator)
                await EnsureNotLastAdministratorAsync(admin, user, Guard.Demote);
            if (current.Length > 0)
                Succeeded(await users.RemoveFromRoleAsync(user, current));
            Succeeded(await users.AddToRoleAsync(user, role));
            Succeeded(await users.UpdateSecurityStampAsync(user));
            await AuditAsync(admin, "User role changed", user, new("{0} → {1}", current, role));
        });
    }

    public async Task LockAsync(ClaimsPrincipal admin, string userId) => await ChangeAsync(admin, userId, Guard.Lock, "User locked", async user =>
    {
        Succeeded(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
        Succeeded(await users.UpdateSecurityStampAsync(user));
        return new Message("Locked until an administrator unlocks it.");
    });

    public async Task UnlockAsync(ClaimsPrincipal admin, string userId) => await ChangeAsync(admin, userId, null, "User unlocked", async user =>
    {
        Succeeded(await users.SetLockoutEndDateAsync(user, null));
        Succeeded(await users.ResetAccessFailedCountAsync(user));
        return new Message("Unlocked.");
    });

    public async Task DeactivateAsync(ClaimsPrincipal admin, string userId) => await ChangeAsync(admin, userId, Guard.Deactivate, "User deactivated", async user =>
    {
        user.DeactivatedAt = time.GetUtcNow();
        Succeeded(await users.UpdateSecurityStampAsync(user));
        return new Message("Deactivated; its open pages close within seconds.");
    });

    public async Task ReactivateAsync(ClaimsPrincipal admin, string userId) => await ChangeAsync(admin, userId, null, "User reactivated", async user =>
    {
        user.DeactivatedAt = null;
        Succeeded(await users.UpdateAsync(user));
        return new Message("Reactivated.");
    });

    /// <summary>A new set-password link (reset password, or resend the first one): earlier links stop working, and so do open sessions.</summary>
    public async Task<SetPasswordLink> NewLinkAsync(ClaimsPrincipal admin, string userId)
    {
        await authorization.RequireAsync(admin, Policies.Administrator);
        var user = await FindAsync(userId);
        if (user.DeactivatedAt is not null)
            throw new BusinessRuleException("{0} is deactivated; reactivate it first.", user.Email);
        var link = await IssueLinkAsync(user, endSessions: true);
        await AuditAsync(admin, "Set-password link issued", user, new(link.Mailed ? "Valid until {0} UTC, mailed; earlier links no longer work." : "Valid until {0} UTC; earlier links no longer work.", Utc(link.ExpiresAt)));
        return link;
    }

    /// <summary>
    /// "Forgot password" with SMTP configured, run as a background job so that the page answers alike, and as fast,
    /// whether or not the account exists. Mails a link to an active account's own address, at most
    /// <see cref="ForgotPasswordLinksPerHour"/> an hour; the account's sessions and earlier links stay valid until a
    /// password is set, since anyone can ask. One at a time, so that requests at the same moment cannot pass the limit together.
    /// </summary>
    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SendOwnLinkAsync(string email)
    {
        if (await users.FindByEmailAsync(email) is not { EmailConfirmed: true, DeactivatedAt: null } user)
            return;
        var subject = user.Email ?? user.Id;
        var since = time.GetUtcNow().AddHours(-1);
        var latest = await db.AuditEntries.Where(a => a.Action == LinkRequested && a.Subject == subject)
            .OrderByDescending(a => a.Id).Take(ForgotPasswordLinksPerHour).Select(a => a.At).ToListAsync();
        if (latest.Count == ForgotPasswordLinksPerHour && latest.All(at => at > since))
        {
            LogTooManyLinks(subject);
            return;
        }
        var link = await IssueLinkAsync(user, endSessions: false);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), subject, "Users", LinkRequested, subject,
            new Message(link.Mailed ? "Forgot password; mailed, valid until {0} UTC." : "Forgot password; not mailed, valid until {0} UTC.", Utc(link.ExpiresAt))));
        await db.SaveChangesAsync();
    }

    /// <summary>Whether a set-password link can still be used, to say so before its form is filled in.</summary>
    public async Task<bool> LinkIsOpenAsync(string userId) =>
        await users.FindByIdAsync(userId) is { SetPasswordLinkExpiresAt: { } expires, DeactivatedAt: null } && expires > time.GetUtcNow();

    /// <summary>Sets the password from a link: the link must be the latest, unused and not older than 24 hours.</summary>
    public async Task<IdentityResult> SetPasswordAsync(string userId, string code, string password)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.SetPasswordLinkExpiresAt is not { } expires || expires <= time.GetUtcNow() || user.DeactivatedAt is not null)
            return IdentityResult.Failed(new IdentityError { Code = "InvalidLink", Description = "This link has expired or was used already. Ask an administrator for a new one." });
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return IdentityResult.Failed(new IdentityError { Code = "InvalidLink", Description = "This link is not complete; copy all of it." });
        }
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
            return result.Errors.Any(e => e.Code == "InvalidToken")
                ? IdentityResult.Failed(new IdentityError { Code = "InvalidLink", Description = "This link has expired or was used already. Ask an administrator for a new one." })
                : result;
        user.SetPasswordLinkExpiresAt = null;
        user.EmailConfirmed = true;
        Succeeded(await users.UpdateAsync(user));
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Email ?? user.Id, "Users", "Password set", user.Email ?? user.Id, new Message("Through a set-password link.")));
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>
    /// A link from the configured public address (never the request's Host). An administrator's link renews the security
    /// stamp, which ends the user's sessions and makes earlier links invalid; any link stops working once used, since
    /// setting the password renews the stamp.
    /// </summary>
    private async Task<SetPasswordLink> IssueLinkAsync(ApplicationUser user, bool endSessions)
    {
        if (endSessions)
            Succeeded(await users.UpdateSecurityStampAsync(user));
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var expires = time.GetUtcNow() + LinkLifetime;
        user.SetPasswordLinkExpiresAt = expires;
        Succeeded(await users.UpdateAsync(user));
        var link = publicAddress.Of($"Account/SetPassword?userId={Uri.EscapeDataString(user.Id)}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}");
        var mailed = mail.CanSend && await mail.SendSetPasswordLinkAsync(user.Email!, user.DisplayName, link, expires, user.Language);
        return new SetPasswordLink(user.Email!, link, expires, mailed);
    }

    private async Task ChangeAsync(ClaimsPrincipal admin, string userId, Guard? guarded, string action, Func<ApplicationUser, Task<Message>> change)
    {
        await authorization.RequireAsync(admin, Policies.Administrator);
        await InTransactionAsync(async () =>
        {
            var user = await FindAsync(userId);
            if (guarded is not null && await users.IsInRoleAsync(user, Roles.Administrator))
                await EnsureNotLastAdministratorAsync(admin, user, guarded);
            var details = await change(user);
            await AuditAsync(admin, action, user, details);
        });
    }

    /// <summary>Refuses to take away the last way to administer the back office, or an administrator's own access.</summary>
    private async Task EnsureNotLastAdministratorAsync(ClaimsPrincipal admin, ApplicationUser user, Guard guard)
    {
        if (user.Id == users.GetUserId(admin))
            throw new BusinessRuleException(guard.Yourself);
        var now = time.GetUtcNow();
        var others = (await users.GetUsersInRoleAsync(Roles.Administrator))
            .Count(u => u.Id != user.Id && u.DeactivatedAt is null && !(u.LockoutEnd > now));
        if (others == 0)
            throw new BusinessRuleException(guard.LastAdministrator, user.Email);
    }

    /// <summary>What is refused when a change would take an administrator's access away, one sentence per change.</summary>
    private sealed record Guard(string Yourself, string LastAdministrator)
    {
        public static readonly Guard Demote = new("You cannot demote yourself; ask another administrator.", "{0} is the last active administrator and cannot be demoted.");
        public static readonly Guard Lock = new("You cannot lock yourself out; ask another administrator.", "{0} is the last active administrator and cannot be locked.");
        public static readonly Guard Deactivate = new("You cannot deactivate yourself; ask another administrator.", "{0} is the last active administrator and cannot be deactivated.");
    }

    /// <summary>One at a time: two administrators demoting each other at once cannot leave none.</summary>
    private async Task InTransactionAsync(Func<Task> work)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
            await work();
            await transaction.CommitAsync();
        }
        catch (Exception e) when (DatabaseRetry.IsTransient(e))
        {
            throw new BusinessRuleException("Another administrator changed users at the same moment; nothing was changed. Try again.");
        }
    }

    private async Task<ApplicationUser> FindAsync(string userId) =>
        await users.FindByIdAsync(userId) ?? throw new BusinessRuleException("There is no such user.");

    private async Task AuditAsync(ClaimsPrincipal admin, string action, ApplicationUser user, Message details)
    {
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), admin.Name(), "Users", action, user.Email ?? user.Id, details));
        await db.SaveChangesAsync();
    }

    private static UserStatus StatusOf(ApplicationUser user, DateTimeOffset now) =>
        user.DeactivatedAt is not null ? UserStatus.Deactivated
        : user.LockoutEnd > now ? UserStatus.Locked
        : user.PasswordHash is null ? UserStatus.Invited
        : UserStatus.Active;

    private static void Succeeded(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new BusinessRuleException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forgot password for {Email}: no link sent, the hourly limit is reached")]
    private partial void LogTooManyLinks(string email);

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What the New user dialog asks for.</summary>
public sealed record NewUser(string Email, string DisplayName, string Role);
