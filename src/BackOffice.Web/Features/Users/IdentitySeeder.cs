using BackOffice.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Users;

/// <summary>
/// Creates the roles, and the first administrator on an empty user table: in Development from
/// <c>Seed:AdminEmail</c> (default admin@backoffice.local) and <c>Seed:AdminPassword</c>; elsewhere only when both are set.
/// </summary>
internal sealed partial class IdentitySeeder(
    RoleManager<IdentityRole> roleManager,
    UserManager<ApplicationUser> userManager,
    IUserClaimsPrincipalFactory<ApplicationUser> principals,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<IdentitySeeder> logger)
{
    public const string DefaultAdminEmail = "admin@backoffice.local";

    public async Task SeedAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
                Succeeded(await roleManager.CreateAsync(new IdentityRole(role)), $"create role {role}");
        }

        var email = configuration["Seed:AdminEmail"];
        var password = configuration["Seed:AdminPassword"];
        if (environment.IsDevelopment())
            email ??= DefaultAdminEmail;
        if (await userManager.Users.AnyAsync())
            return;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            LogNobodyCanSignIn();
            return;
        }

        var admin = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Administrator" };
        Succeeded(await userManager.CreateAsync(admin, password), $"create the administrator {email}");
        Succeeded(await userManager.AddToRoleAsync(admin, Roles.Administrator), $"make {email} an administrator");
        LogSeeded(email);
    }

    /// <summary>
    /// The seeded administrator as a signed-in principal, for the demo data made in Development through the real money
    /// actions (which check the actor's account): null when there is none.
    /// </summary>
    public async Task<System.Security.Claims.ClaimsPrincipal?> SeededAdministratorAsync()
    {
        var email = configuration["Seed:AdminEmail"] ?? (environment.IsDevelopment() ? DefaultAdminEmail : null);
        return email is not null && await userManager.FindByEmailAsync(email) is { } admin ? await principals.CreateAsync(admin) : null;
    }

    private static void Succeeded(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nobody can sign in: there is no user yet. Start once with Seed:AdminEmail and Seed:AdminPassword set to create the first administrator.")]
    private partial void LogNobodyCanSignIn();

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the administrator {Email}")]
    private partial void LogSeeded(string email);
}
