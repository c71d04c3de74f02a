using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Data;

/// <summary>
/// Every SQLite connection runs in WAL mode with a busy timeout, whatever file it opens: a database created with a
/// rollback journal would otherwise refuse concurrent writers with "database is locked", after Klarna has already
/// reserved or captured. (EF opens read-only connections to see whether the file exists; those are left alone.)
/// The settings belong to the native connection, which the pool hands out again and again: each is set up once.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> SetUp = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsSetUp(connection) is not { } handle)
            return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        SetUp.AddOrUpdate(handle, SetUp);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsSetUp(connection) is not { } handle)
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        SetUp.AddOrUpdate(handle, SetUp);
    }

    private static SQLitePCL.sqlite3? NeedsSetUp(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } sqlite && !SetUp.TryGetValue(handle, out _)
            && new SqliteConnectionStringBuilder(sqlite.ConnectionString).Mode != SqliteOpenMode.ReadOnly
            ? handle
            : null;
}
