using Microsoft.AspNetCore.Authorization;

namespace BackOffice.Web.Features;

/// <summary>The authorization policies pages, endpoints and services check; each names who may pass.</summary>
public static class Policies
{
    /// <summary>Everything: channels, jobs, audit log, users, the Hangfire dashboard.</summary>
    public const string Administrator = nameof(Administrator);

    /// <summary>Money actions on transactions.</summary>
    public const string Operator = nameof(Operator);

    /// <summary>Reading transactions and the providers' reference data: every role.</summary>
    public const string Staff = nameof(Staff);

    public static AuthorizationBuilder AddBackOfficePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Administrator, policy => policy.RequireRole(Roles.Administrator))
        .AddPolicy(Operator, policy => policy.RequireRole(Roles.Administrator, Roles.Operator))
        .AddPolicy(Staff, policy => policy.RequireRole(Roles.All));
}
