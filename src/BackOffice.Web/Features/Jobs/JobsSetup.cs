using BackOffice.Web.Features.Transactions;
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
        services.AddScoped<ReservationExpiryJob>();
        services.AddScoped<JobsService>();
        return services;
    }

    /// <summary>
    /// Mirrors the stored job settings into Hangfire and adds the jobs that always run: the sweep of due cancellations
    /// (which also brings back those Hangfire's in-memory storage forgot on a restart) and the reservation expiry.
    /// Operations a stopped process left Requested are settled or marked Unknown first.
    /// </summary>
    public static async Task StartJobsAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OperationJournal>().SettleAbandonedAsync("Start-up");
        await scope.ServiceProvider.GetRequiredService<JobsService>().ScheduleFromSettingsAsync();
        var recurring = scope.ServiceProvider.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<PendingCancellations>(PendingCancellations.SweepJobId, c => c.SweepAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<ReservationExpiryJob>(ReservationExpiryJob.JobId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
    }

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(Policies.Administrator, "/hangfire",
            new DashboardOptions { DashboardTitle = "Klarna Back Office jobs", AppPath = "/jobs" });
}
