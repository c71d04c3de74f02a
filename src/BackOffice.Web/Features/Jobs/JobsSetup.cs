using BackOffice.Web.Features.Users;
using Hangfire;

namespace BackOffice.Web.Features.Jobs;

internal static class JobsSetup
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddHangfire((provider, config) =>
        {
            var storage = provider.GetRequiredService<IConfiguration>()["Jobs:Storage"] ?? "InMemory";
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            switch (storage)
            {
                case "InMemory":
                    config.UseInMemoryStorage();
                    break;
                default:
                    throw new InvalidOperationException($"Jobs:Storage '{storage}' is not supported; use 'InMemory'.");
            }
        });
        services.AddHangfireServer();
        return services;
    }

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(Policies.Administrator, "/hangfire",
            new DashboardOptions { DashboardTitle = "Klarna Back Office jobs", AppPath = "/jobs" });
}
