using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Users;

/// <summary>
/// Sends users of the roles in <c>Security:RequireTwoFactorForRoles</c> who have not set up two-factor sign-in to do so
/// before any page: only the account pages, static files and sign-out stay open to them. A Blazor circuit starts from
/// a page load, so it never starts for them.
/// </summary>
public sealed class TwoFactorEnrolment(RequestDelegate next, IOptionsMonitor<SecurityOptions> options)
{
    public const string EnrolmentPath = "/Account/Manage/EnableAuthenticator";

    private static readonly string[] OpenPrefixes = ["/Account", "/_framework", "/_content", "/css", "/health", "/api/", "/openapi", "/sandbox"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (MustEnrol(context.User, options.CurrentValue) && !IsOpen(context))
        {
            context.Response.Redirect($"{EnrolmentPath}?required=true");
            return;
        }
        await next(context);
    }

    public static bool MustEnrol(ClaimsPrincipal user, SecurityOptions options) =>
        user.Identity?.IsAuthenticated == true
        && user.FindFirstValue(StaffClaimsFactory.TwoFactorClaim) == "off"
        && options.RequireTwoFactorForRoles.Any(user.IsInRole);

    private static bool IsOpen(HttpContext context) =>
        OpenPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        || Path.HasExtension(context.Request.Path.Value);
}
