using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace BackOffice.Web.Features.Users;

public static class AuthorizationExtensions
{
    /// <summary>Services check the caller themselves: hiding a button is not security.</summary>
    public static async Task RequireAsync(this IAuthorizationService authorization, ClaimsPrincipal user, string policy)
    {
        if (!(await authorization.AuthorizeAsync(user, policy)).Succeeded)
            throw new UnauthorizedAccessException($"Your role does not allow this ({policy} only).");
    }

    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
