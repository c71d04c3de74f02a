using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Hangfire;
using Hangfire.PostgreSql;

namespace BackOffice.Web.Features.Jobs;

internal static class JobsSetup
{
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddHangfire((provider, config) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (Storage(configuration) == JobStorageKind.PostgreSql)
            {
                // The app's own database, in a schema of its own: every instance sees one schedule. Enqueued jobs
                // are announced (LISTEN/NOTIFY) rather than polled for, and a running job stays claimed however long
                // it runs, so no other instance starts it again.
                var connection = configuration.GetConnectionString(DataSetup.ConnectionStringName);
                config.UsePostgreSqlStorage(options => options.UseNpgsqlConnection(connection), new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    EnableLongPolling = true,
                    UseSlidingInvisibilityTimeout = true,
                });
            }
            else
            {
                config.UseInMemoryStorage();
            }
        });
        services.AddHangfireServer((provider, options) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            options.SchedulePollingInterval = configuration.GetValue("Jobs:SchedulePollingInterval", TimeSpan.FromSeconds(5));
            // With PostgreSQL each worker keeps a connection open to hear of new jobs: the count sizes max_connections.
            if (WorkerCount(configuration) is { } workers)
                options.WorkerCount = workers;
        });
        services.AddSingleton<JobLeases>();
        services.AddSingleton<TransactionSweeps>();
        services.AddScoped<RecurringJobRunner>();
        services.AddScoped<PendingCancellationJob>();
        services.AddScoped<PendingCancellations>();
        services.AddScoped<IDomainEventHandler<PendingDeclineDue>>(provider => provider.GetRequiredService<PendingCancellations>());
        services.AddScoped<JobsService>();
        return services;
    }

    /// <summary>Jobs:Storage: InMemory (one instance; the default with SQLite) or PostgreSql (shared; the default with PostgreSQL).</summary>
    public static JobStorageKind Storage(IConfiguration configuration)
    {
        var database = DataSetup.Provider(configuration);
        return configuration["Jobs:Storage"] switch
        {
            null or "" => database == DatabaseProvider.PostgreSql ? JobStorageKind.PostgreSql : JobStorageKind.InMemory,
            "InMemory" => JobStorageKind.InMemory,
            "PostgreSql" when database == DatabaseProvider.PostgreSql => JobStorageKind.PostgreSql,
            "PostgreSql" => throw new StartupRefusedException("Jobs:Storage 'PostgreSql' keeps the jobs in the app's database: set Database:Provider to PostgreSql too."),
            var other => throw new StartupRefusedException($"Jobs:Storage '{other}' is not supported; use 'InMemory' or 'PostgreSql'."),
        };
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
    }

    /// <summary>Jobs:WorkerCount: how many jobs run at once; unset, Hangfire's default (five per core, at most 20).</summary>
    public static int? WorkerCount(IConfiguration configuration) =>
        configuration["Jobs:WorkerCount"] switch
        {
            null or "" => null,
            var text when int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 100 => count,
            var other => throw new StartupRefusedException($"Jobs:WorkerCount '{other}': give a number of workers from 1 to 100."),
        };

    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(Policies.Administrator, "/hangfire",
            new DashboardOptions { DashboardTitle = "Klarna Back Office jobs", AppPath = "/jobs" });
}

public enum JobStorageKind
{
    InMemory,
    PostgreSql,
}
