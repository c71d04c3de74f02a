using System.Data.Common;
using BackOffice.Web.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BackOffice.Bench;

/// <summary>The bench's own database: a SQLite file in the temp folder, or a database it makes on a PostgreSQL server.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly BenchOptions options;
    private readonly string? postgresName;

    private BenchDatabase(BenchOptions options, string connectionString, string? postgresName) =>
        (this.options, ConnectionString, this.postgresName) = (options, connectionString, postgresName);

    public string ConnectionString { get; }

    public DatabaseProvider Provider => options.Provider;

    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Database:Provider", Provider.ToString()),
        new("ConnectionStrings:BackOffice", ConnectionString),
    ];

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"backoffice-bench-{Guid.NewGuid():N}.db");
            return new BenchDatabase(options, $"Data Source={file}", null);
        }
        var name = $"backoffice_bench_{Environment.ProcessId}";
        await ExecuteAsync(options.Connection!, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await ExecuteAsync(options.Connection!, $"CREATE DATABASE {name}");
        return new BenchDatabase(options, new NpgsqlConnectionStringBuilder(options.Connection) { Database = name }.ConnectionString, name);
    }

    /// <summary>A connection for hand-written SQL, outside the app.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Provider == DatabaseProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>PostgreSQL as autovacuum leaves it after a while: statistics current, the visibility map set (index-only scans).</summary>
    public async Task VacuumAsync()
    {
        if (Provider != DatabaseProvider.PostgreSql)
            return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ExecuteAsync(ConnectionString, "VACUUM ANALYZE");
        Console.WriteLine($"Vacuumed in {clock.Elapsed.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (options.Keep)
        {
            Console.WriteLine($"The database stays: {ConnectionString}");
            return;
        }
        if (postgresName is null)
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-shm", file + "-wal" })
                File.Delete(path);
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(options.Connection!, $"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
