using BackOffice.Web.Components.Account;
using BackOffice.Web.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Users;

internal static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section)
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, $"{SessionOptions.Section}:IdleTimeout must be positive.")
            .Validate(o => o.RevalidationInterval >= TimeSpan.FromSeconds(1) && o.RevalidationInterval <= TimeSpan.FromMinutes(5), $"{SessionOptions.Section}:RevalidationInterval must be from 1 second to 5 minutes.")
            .ValidateOnStart();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorizationBuilder().AddBackOfficePolicies();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                // NIST SP 800-63B: length, not composition rules.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<BackOfficeDbContext>()
            .AddUserManager<StaffUserManager>()
            .AddSignInManager<StaffSignInManager>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<IdentityErrorTexts>();
        services.Configure<DataProtectionTokenProviderOptions>(options => options.TokenLifespan = UserAdministration.LinkLifetime);
        // A changed security stamp (deactivated, locked, new role, new link) ends the user's cookies within a minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SessionOptions>>((cookie, session) =>
            {
                cookie.ExpireTimeSpan = session.Value.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });

        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section);
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .PostConfigure<IHostEnvironment>((security, environment) =>
            {
                if (!environment.IsDevelopment() && !security.AllowAdministratorsWithoutTwoFactor && !security.RequireTwoFactorForRoles.Contains(Roles.Administrator))
                    security.RequireTwoFactorForRoles.Add(Roles.Administrator);
            })
            .Validate(o => o.RequireTwoFactorForRoles.All(Roles.All.Contains), $"{SecurityOptions.Section}:RequireTwoFactorForRoles may name only {string.Join(", ", Roles.All)}.")
            .ValidateOnStart();
        services.AddSingleton<UserMail>();
        services.AddScoped<UserAdministration>();
        services.AddSingleton<StaffAuthorization>();
        services.AddSingleton<UserAdministrationScopes>();
        services.AddScoped<IdentitySeeder>();
        return services;
    }

    /// <summary>Renews the sliding sign-in cookie for a user working in a live page (see session.js).</summary>
    public static IEndpointConventionBuilder MapSessionKeepAlive(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/Account/KeepAlive", () => TypedResults.NoContent()).RequireAuthorization();

    public static async Task SeedIdentityAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
    }
}
