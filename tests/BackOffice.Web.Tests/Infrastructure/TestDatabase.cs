using BackOffice.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// A database of the app's own for one test: a SQLite file, or — when BACKOFFICE_TEST_DATABASE is PostgreSql — a
/// database on the server BACKOFFICE_TEST_POSTGRES names (scripts/test.sh starts one), copied from a migrated template.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly Lazy<string> Template = new(CreateTemplate);
    private static readonly Lazy<string> SqliteTemplate = new(CreateSqliteTemplate);
    private readonly string? sqliteFile;
    private readonly string? postgresName;

    private TestDatabase(string connectionString, string? sqliteFile, string? postgresName, bool migrated = true) =>
        (ConnectionString, this.sqliteFile, this.postgresName, Migrated) = (connectionString, sqliteFile, postgresName, migrated);

    /// <summary>The provider of this run's tests.</summary>

    public static DatabaseProvider Provider { get; } = Environment.GetEnvironmentVariable("BACKOFFICE_TEST_DATABASE") switch
    {
        null or "" or "Sqlite" => DatabaseProvider.Sqlite,
        "PostgreSql" => DatabaseProvider.PostgreSql,
        var other => throw new InvalidOperationException($"BACKOFFICE_TEST_DATABASE '{other}': use Sqlite or PostgreSql."),
    };

    public static bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    public string ConnectionString { get; }

    /// <summary>A copy of the migrated template (every database here but a missing one).</summary>
    public bool Migrated { get; }

    /// <summary>The settings that point the app at this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Database:Provider", (postgresName is null ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql).ToString()),
        new($"ConnectionStrings:{DataSetup.ConnectionStringName}", ConnectionString),
    ];

    /// <summary>A database on this run's provider.</summary>
    public static TestDatabase Create() => IsPostgreSql ? CreatePostgreSql() : CreateSqlite();

    /// <summary>A copy of a SQLite file migrated once per test run: the app finds its migrations applied.</summary>
    public static TestDatabase CreateSqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"backoffice-test-{Guid.NewGuid():N}.db");
        File.Copy(SqliteTemplate.Value, file);
        return new TestDatabase($"Data Source={file}", file, null);
    }

    /// <summary>A migrated PostgreSQL database, whatever this run's provider (e.g. for several app instances).</summary>
    public static TestDatabase CreatePostgreSql()
    {
        // The copy a test takes was made while the test before it ran, and the next one is begun now: a copy costs a
        // tenth to a third of a second, which the test run no longer waits for.
        Task<string> copy;
        lock (CopyLock)
        {
            copy = nextCopy ?? Task.Run(CopyTemplate);
            nextCopy = Task.Run(CopyTemplate);
        }
        var name = copy.GetAwaiter().GetResult();
        return new TestDatabase(Connection(name), null, name);
    }

    private static readonly Lock CopyLock = new();
    private static Task<string>? nextCopy;

    /// <summary>The copy made for a test that never came is dropped with the test run.</summary>
    static TestDatabase() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (CopyLock)
        {
            if (nextCopy is { } copy)
                Execute($"DROP DATABASE IF EXISTS {copy.GetAwaiter().GetResult()} WITH (FORCE)");
        }
    };

    /// <summary>
    /// Through the WAL (PostgreSQL's default), not by copying files: that takes two checkpoints, each writing out every
    /// page the tests before left changed, in every database.
    /// </summary>
    private static string CopyTemplate()
    {
        var name = $"backoffice_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name} TEMPLATE {Template.Value} STRATEGY WAL_LOG");
        return name;
    }

    /// <summary>A PostgreSQL database that does not exist yet: the app is to create it (dropped afterwards all the same).</summary>
    public static TestDatabase MissingPostgreSql()
    {
        var name = $"backoffice_missing_{Guid.NewGuid():N}";
        return new TestDatabase(Connection(name), null, name, migrated: false);
    }

    /// <summary>A context on this database, outside any app (e.g. to read what the app wrote).</summary>
    public BackOfficeDbContext Open()
    {
        if (postgresName is not null)
            return new PostgreSqlBackOfficeDbContext(new DbContextOptionsBuilder<PostgreSqlBackOfficeDbContext>().UseNpgsql(ConnectionString).Options);
        return new SqliteBackOfficeDbContext(new DbContextOptionsBuilder<SqliteBackOfficeDbContext>().UseSqlite(ConnectionString).Options);
    }

    /// <summary>
    /// Whether the text is anywhere in the database: on SQLite in the raw bytes of its files (free pages and the WAL
    /// too), on PostgreSQL in any row of any table, read as text.
    /// </summary>
    public async Task<bool> HoldsAsync(string text)
    {
        if (sqliteFile is not null)
        {
            var needle = System.Text.Encoding.UTF8.GetBytes(text);
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-journal" }.Where(File.Exists))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                if (memory.GetBuffer().AsSpan(0, (int)memory.Length).IndexOf(needle) >= 0)
                    return true;
            }
            return false;
        }
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var search = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table} t WHERE strpos(t::text, @text) > 0)", connection);
            search.Parameters.AddWithValue("text", text);
            if ((bool)(await search.ExecuteScalarAsync())!)
                return true;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqliteFile, sqliteFile + "-shm", sqliteFile + "-wal" })
                File.Delete(file);
        }
        if (postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await Task.Run(() => Execute($"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)"));
        }
    }

    private static string Server => Environment.GetEnvironmentVariable("BACKOFFICE_TEST_POSTGRES") is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException("These tests need PostgreSQL: set BACKOFFICE_TEST_POSTGRES to a server's connection string, or run scripts/test.sh, which starts one.");

    private static string Connection(string database) => new NpgsqlConnectionStringBuilder(Server) { Database = database }.ConnectionString;

    /// <summary>Migrated once per test run, with Hangfire's schema; each test's database is a copy, which takes a fraction of migrating.</summary>
    private static string CreateTemplate()
    {
        var name = $"backoffice_template_{Environment.ProcessId}_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name}");
        // The migrations hold Identity's whole schema; this bare context's model (no Identity options) is not compared.
        var options = new DbContextOptionsBuilder<PostgreSqlBackOfficeDbContext>().UseNpgsql(Connection(name))
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options;
        using (var db = new PostgreSqlBackOfficeDbContext(options))
            db.Database.Migrate();
        // Hangfire's schema too (Jobs:Storage follows the provider): an app finds it current and installs nothing.
        using (var connection = new NpgsqlConnection(Connection(name)))
        {
            connection.Open();
            Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(connection, "hangfire");
        }
        NpgsqlConnection.ClearAllPools();
        return name;
    }

    /// <summary>
    /// Migrated once per test run with a rollback journal, so that the one file holds everything when it is copied (the
    /// app switches each copy to WAL when it opens it).
    /// </summary>
    private static string CreateSqliteTemplate()
    {
        var file = Path.Combine(Path.GetTempPath(), $"backoffice-template-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        var options = new DbContextOptionsBuilder<SqliteBackOfficeDbContext>().UseSqlite($"Data Source={file};Pooling=False")
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options;
        using (var db = new SqliteBackOfficeDbContext(options))
            db.Database.Migrate();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        return file;
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
