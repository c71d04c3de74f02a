using BackOffice.Web.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

internal static class DataSetup
{
    public const string ConnectionStringName = "BackOffice";
    public const string ProviderKey = "Database:Provider";

    public static DatabaseProvider Provider(IConfiguration configuration) =>
        configuration[ProviderKey] switch
        {
            null or "" or "Sqlite" => DatabaseProvider.Sqlite,
            "PostgreSql" => DatabaseProvider.PostgreSql,
            var other => throw new StartupRefusedException($"{ProviderKey} '{other}' is not supported; use 'Sqlite' or 'PostgreSql'."),
        };

    public static IServiceCollection AddBackOfficeData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IInterceptor, SqliteConnectionSettings>();
        // Interceptors come from the container, so tests can add their own (e.g. a barrier that forces interleaving).
        if (Provider(configuration) == DatabaseProvider.PostgreSql)
        {
            services.AddDbContextFactory<PostgreSqlBackOfficeDbContext>((provider, options) => UsePostgreSql(options, ConnectionString(provider.GetRequiredService<IConfiguration>()))
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddSingleton<IDbContextFactory<BackOfficeDbContext>, ProviderContexts<PostgreSqlBackOfficeDbContext>>();
        }
        else
        {
            services.AddDbContextFactory<SqliteBackOfficeDbContext>((provider, options) => UseSqlite(options,
                    SqliteConnectionString(provider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName), provider.GetRequiredService<IHostEnvironment>().ContentRootPath))
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddSingleton<IDbContextFactory<BackOfficeDbContext>, ProviderContexts<SqliteBackOfficeDbContext>>();
        }
        // Identity's stores and Data Protection take the context from the request's scope.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContext());
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

    /// <summary>
    /// Start-up work — migrations, seeding, registering jobs — one instance at a time, so that instances started
    /// together do not seed twice: on PostgreSQL a session advisory lock, held until disposed; SQLite has one instance.
    /// </summary>
    public static async Task<IAsyncDisposable> StartupLockAsync(this WebApplication app)
    {
        if (Provider(app.Configuration) != DatabaseProvider.PostgreSql)
            return NoLock.Instance;
        if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
            await CreatePostgreSqlDatabaseAsync(ConnectionString(app.Configuration));
        var connection = new Npgsql.NpgsqlConnection(ConnectionString(app.Configuration));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({StartupLockKey})", connection);
        await command.ExecuteNonQueryAsync();
        return new AdvisoryLock(connection);
    }

    /// <summary>
    /// Creates the database when it does not exist yet, as EF Core's migrations would, but before the start-up lock,
    /// which lives in it. Only when opening it says it is missing is the server's maintenance database <c>postgres</c>
    /// asked to create it (which needs the CREATEDB right). Two instances starting together may both try: the second
    /// finds it made.
    /// </summary>
    private static async Task CreatePostgreSqlDatabaseAsync(string connectionString)
    {
        try
        {
            await using var existing = new Npgsql.NpgsqlConnection(connectionString);
            await existing.OpenAsync();
            return;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InvalidCatalogName)
        {
            // Not there yet.
        }
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        try
        {
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
            // Another instance made it a moment ago.
        }
    }

    /// <summary>Any number, the same on every instance: "Klarna Back Office start-up".</summary>
    private const long StartupLockKey = 0x4b424f5354415254;

    private sealed class AdvisoryLock(Npgsql.NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({StartupLockKey})", connection))
                await command.ExecuteNonQueryAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>What the start-up line says about the database, without its credentials.</summary>
    public static string Describe(IConfiguration configuration)
    {
        var connection = configuration.GetConnectionString(ConnectionStringName);
        if (Provider(configuration) == DatabaseProvider.Sqlite)
            return $"SQLite {new SqliteConnectionStringBuilder(connection ?? DefaultSqlite).DataSource}";
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        return $"PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}";
    }

    internal static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) => options.UseSqlite(connectionString);

    internal static DbContextOptionsBuilder UsePostgreSql(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString);

    private const string DefaultSqlite = "Data Source=App_Data/backoffice.db";

    private static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connection
            ? connection
            : throw new StartupRefusedException($"{ProviderKey} is PostgreSql: set ConnectionStrings:{ConnectionStringName}, e.g. Host=db;Database=backoffice;Username=backoffice;Password=...");

    /// <summary>A relative SQLite file is placed under the content root, and its folder is created.</summary>
    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configured ?? DefaultSqlite);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        return builder.ToString();
    }

    /// <summary>The app asks for <see cref="BackOfficeDbContext"/>; the provider's subtype is what it gets.</summary>
    private sealed class ProviderContexts<TContext>(IDbContextFactory<TContext> contexts) : IDbContextFactory<BackOfficeDbContext>
        where TContext : BackOfficeDbContext
    {
        public BackOfficeDbContext CreateDbContext() => contexts.CreateDbContext();

        public async Task<BackOfficeDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) => await contexts.CreateDbContextAsync(cancellationToken);
    }
}
