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
        services.AddHangfireServer((provider, options) =>
            options.SchedulePollingInterval = provider.GetRequiredService<IConfiguration>().GetValue("Jobs:SchedulePollingInterval", TimeSpan.FromSeconds(5)));
        services.AddSingleton<JobLeases>();
        services.AddScoped<PendingStatusPoller>();
        services.AddScoped<PendingCancellationJob>();
        services.AddScoped<PendingCancellations>();
        services.AddScoped<JobsService>();
        return services;
    }

    /// <summary>
    /// Mirrors the stored job settings into Hangfire, and, once the app listens (the in-process sandbox is reached over
    /// HTTP), schedules again every due cancellation not done yet: Hangfire's in-memory storage forgot them.
    /// </summary>
    public static async Task StartJobsAsync(this WebApplication app)
    {
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<JobsService>().ScheduleFromSettingsAsync();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            using var scope = app.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<PendingCancellations>().RescheduleOpenAsync().GetAwaiter().GetResult();
        });
    }

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(Policies.Administrator, "/hangfire",
            new DashboardOptions { DashboardTitle = "Klarna Back Office jobs", AppPath = "/jobs" });
}
