using System.Security.Claims;

namespace BackOffice.Web.Features.Users;

public static class AuthorizationExtensions
{
    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
