using BackOffice.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.AspNetCore.Routing;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>The one account endpoint the static account pages post to besides their own forms: sign-out.</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var accountGroup = endpoints.MapGroup("/Account");
        // Bound at run time, not by the request delegate generator: the generated binding reads a form whose anti-forgery
        // token failed, and answers 500 where the framework's answers 400.
        Delegate logout = async ([FromServices] SignInManager<ApplicationUser> signInManager, [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            // Only a local path: never an open redirect.
            return TypedResults.LocalRedirect(returnUrl is { Length: > 0 } path && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) ? path : "~/");
        };
#pragma warning disable RDG002 // The generator says it leaves this endpoint to run time, which is the point.
        accountGroup.MapPost("/Logout", logout);
#pragma warning restore RDG002
        return accountGroup;
    }
}
