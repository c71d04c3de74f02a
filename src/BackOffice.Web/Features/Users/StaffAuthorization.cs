using System.Runtime.CompilerServices;
using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Users;

/// <summary>A service refused its caller: the role or the account's state (locked, deactivated) does not allow it now.</summary>
public sealed class AccessRefusedException(Message text) : BusinessRuleException(text);

/// <summary>
/// Whether the person behind a principal may do something at this moment. The principal a circuit or cookie holds is a
/// cache of the sign-in; the role and state in the database decide, so a demoted, locked or deactivated user's open
/// page cannot move money or change settings even before it notices. Every refusal is audited.
/// </summary>
public sealed partial class StaffAuthorization(
    IDbContextFactory<BackOfficeDbContext> databases,
    IAuthorizationService authorization,
    TimeProvider time,
    ILogger<StaffAuthorization> logger)
{
    public async Task RequireAsync(ClaimsPrincipal user, string policy, [CallerMemberName] string action = "")
    {
        var refusal = await RefusalAsync(user, policy);
        if (refusal is null)
            return;
        var what = action.EndsWith("Async", StringComparison.Ordinal) ? action[..^5] : action;
        await using (var db = await databases.CreateDbContextAsync())
        {
            db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Users", "Access refused", user.Name(), new Message("Refused {0}: {1}", what, refusal), succeeded: false));
            await db.SaveChangesAsync();
        }
        LogRefused(user.Name(), what, refusal.ToString());
        throw new AccessRefusedException(refusal);
    }

    private async Task<Message?> RefusalAsync(ClaimsPrincipal user, string policy)
    {
        if (!(await authorization.AuthorizeAsync(user, policy)).Succeeded)
            return new Message("Your role does not allow this ({0} only).", policy);
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await databases.CreateDbContextAsync();
        var account = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { u.DeactivatedAt, u.LockoutEnd, Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToList() })
            .SingleOrDefaultAsync();
        if (account is null)
            return new Message("Your account no longer exists; nothing was done.");
        if (account.DeactivatedAt is not null)
            return new Message("Your account was deactivated; nothing was done.");
        if (account.LockoutEnd > time.GetUtcNow())
            return new Message("Your account is locked; nothing was done.");
        var now = new ClaimsPrincipal(new ClaimsIdentity(account.Roles.Select(role => new Claim(ClaimTypes.Role, role ?? "")), "Database"));
        return (await authorization.AuthorizeAsync(now, policy)).Succeeded
            ? null
            : new Message("Your role was changed to {0}, which does not allow this ({1} only); nothing was done.", string.Join(", ", account.Roles), policy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{User} was refused {Action}: {Reason}")]
    private partial void LogRefused(string user, string action, string reason);
}
