using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Data;

internal static class DataSetup
{
    public const string ConnectionStringName = "BackOffice";

    public static IServiceCollection AddBackOfficeData(this IServiceCollection services)
    {
        services.AddSingleton<IInterceptor, SqliteConnectionSettings>();
        // Interceptors come from the container, so tests can add their own (e.g. a barrier that forces interleaving).
        services.AddDbContextFactory<BackOfficeDbContext>((provider, options) => options
            .UseSqlite(SqliteConnectionString(
                provider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName),
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath))
            .AddInterceptors(provider.GetServices<IInterceptor>()));
        services.AddHealthChecks().AddDbContextCheck<BackOfficeDbContext>();
        return services;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Database:MigrateOnStartup", true))
            return;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackOfficeDbContext>();
        await db.Database.MigrateAsync();
    }

    /// <summary>A relative SQLite file is placed under the content root, and its folder is created.</summary>
    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configured ?? "Data Source=App_Data/backoffice.db");
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        return builder.ToString();
    }
}
