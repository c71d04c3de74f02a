using System.Security.Claims;
using BackOffice.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Users;

/// <summary>Identity's sign-in, except that a deactivated account cannot sign in, and every sign-in is remembered.</summary>
public sealed class StaffSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    TimeProvider time)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ApplicationUser user) => user.DeactivatedAt is null && await base.CanSignInAsync(user);

    /// <summary>
    /// Identity tells a locked or deactivated account before it looks at the password; here only whoever knows the
    /// password learns the account's state. Anyone else gets "invalid", and a wrong password still counts towards a lockout.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        if (!await UserManager.CheckPasswordAsync(user, password))
        {
            if (lockoutOnFailure && !await UserManager.IsLockedOutAsync(user))
                await UserManager.AccessFailedAsync(user);
            return SignInResult.Failed;
        }
        if (await UserManager.IsLockedOutAsync(user))
            return SignInResult.LockedOut;
        if (!await CanSignInAsync(user))
            return SignInResult.NotAllowed;
        if (await UserManager.GetAccessFailedCountAsync(user) > 0)
            await UserManager.ResetAccessFailedCountAsync(user);
        return SignInResult.Success;
    }

    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        user.LastSignInAt = time.GetUtcNow();
        await UserManager.UpdateAsync(user);
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
    }
}

/// <summary>Adds what pages need to know without a database read: the display name and whether two-factor sign-in is on.</summary>
public sealed class StaffClaimsFactory(UserManager<ApplicationUser> userManager, RoleManager<IdentityRole> roleManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    public const string TwoFactorClaim = "backoffice:two_factor";
    public const string DisplayNameClaim = "backoffice:display_name";

    /// <summary>OpenID Connect's name for a user's time zone.</summary>
    public const string TimeZoneClaim = "zoneinfo";

    /// <summary>OpenID Connect's name for a user's language.</summary>
    public const string LanguageClaim = "locale";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(TwoFactorClaim, user.TwoFactorEnabled ? "on" : "off"));
        identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        if (user.TimeZone is { Length: > 0 } zone)
            identity.AddClaim(new Claim(TimeZoneClaim, zone));
        if (user.Language is { Length: > 0 } language)
            identity.AddClaim(new Claim(LanguageClaim, language));
        return identity;
    }
}
