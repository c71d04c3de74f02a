using BackOffice.Web.Data;

namespace BackOffice.Bench;

/// <summary>
/// <c>--transactions N</c> (default 1,000,000), <c>--provider Sqlite|PostgreSql</c>, <c>--connection</c> (PostgreSQL: a
/// server; the bench makes and drops a database of its own there), <c>--pending N</c> (default 10,000),
/// <c>--runs N</c> (default 5), <c>--latency ms</c> (default 50), <c>--keep</c> (leave the database behind),
/// <c>--markdown FILE</c> (the result table, for README).
/// </summary>
public sealed record BenchOptions(
    int Transactions, DatabaseProvider Provider, string? Connection, int Pending, int Runs, int LatencyMilliseconds, bool Keep, string? Markdown = null)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(1_000_000, DatabaseProvider.Sqlite, null, 10_000, 5, 50, Keep: false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--transactions" => options with { Transactions = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--provider" => options with { Provider = Enum.Parse<DatabaseProvider>(Next(), ignoreCase: true) },
                "--connection" => options with { Connection = Next() },
                "--pending" => options with { Pending = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--runs" => options with { Runs = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--latency" => options with { LatencyMilliseconds = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--keep" => options with { Keep = true },
                "--markdown" => options with { Markdown = Next() },
                var other => throw new ArgumentException($"Unknown option {other}."),
            };
        }
        if (options.Provider == DatabaseProvider.PostgreSql && options.Connection is null)
            throw new ArgumentException("--provider PostgreSql needs --connection \"Host=...;Username=...;Password=...\" (a server; the bench makes its own database).");
        return options;
    }
}
