using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackOffice.Web.Data;

/// <summary>
/// Runs a unit of database work again when the database was only briefly unavailable (busy, locked, a lost connection, a serialization failure), and, when asked,
/// when another writer changed the same rows first. Used where losing the write would lose what Klarna answered;
/// each attempt must build its own DbContext and read afresh.
/// </summary>
public static class DatabaseRetry
{
    private const int Attempts = 6;

    public static async Task<T> RunAsync<T>(Func<Task<T>> work, bool onConflict = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (attempt < Attempts && (IsTransient(e) || onConflict && IsConflict(e)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25 * (1 << attempt) + Random.Shared.Next(25)));
            }
        }
    }

    /// <summary>Another writer got there first: the row changed (version check) or the row it adds exists now.</summary>
    public static bool IsConflict(Exception exception) =>
        exception is DbUpdateConcurrencyException
            or DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19 } } // SQLITE_CONSTRAINT
            or DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } };

    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        DbUpdateConcurrencyException => false,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
