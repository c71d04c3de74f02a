using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>Makes the database fail every command that reads or writes a table, while armed: a database having a bad moment.</summary>
public sealed class CommandFailure : DbCommandInterceptor
{
    private volatile string? table;

    public void Arm(string tableName) => table = tableName;

    public void Disarm() => table = null;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Fail(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Fail(command);
        return ValueTask.FromResult(result);
    }

    private void Fail(DbCommand command)
    {
        if (table is { } name && command.CommandText.Contains($"\"{name}\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"The database failed on {name} (injected).");
    }
}
