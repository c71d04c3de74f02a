using System.Data.Common;
using System.Diagnostics;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Overview;

namespace BackOffice.Bench;

/// <summary>One line of the table: the app's median against the hand-written query's, in the same run on the same data.</summary>
public sealed record SearchResult(string Name, double AppMilliseconds, double HandMilliseconds, int Rows, bool Exact);

/// <summary>
/// Each search the way the list runs it (the bounded count and the first page, or a page turn) through the app's own
/// TransactionQuery, against hand-written SQL that returns the same rows and count (on a pooled connection opened for
/// it, as an app would), alternating, medians of N runs.
/// </summary>
public static class SearchBench
{
    private const string Columns = """
        t."Id", t."OrderNumber", t."ReservationNumber", (SELECT c."Code" FROM "Channels" c WHERE c."Id" = t."ChannelId") AS "Channel", t."Service",
        t."Environment", t."State", t."Currency", t."AuthorizedAmount", t."ReservedAmount", t."CapturedAmount", t."RefundedAmount",
        t."Customer_Name", t."Customer_Email", t."CreatedAt", t."ExpiresAt"
        """;

    private const string Newest = """ ORDER BY t."CreatedAt" DESC, t."Id" DESC LIMIT 25""";

    public static async Task<List<SearchResult>> RunAsync(BenchApp app, BenchDatabase database, BenchSamples samples, int runs)
    {
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var now = DateTimeOffset.UtcNow;
        var (from, to) = (DateOnly.FromDateTime(now.AddDays(-200).UtcDateTime), DateOnly.FromDateTime(now.AddDays(-170).UtcDateTime));
        // A fragment in many rows, by the best plan found: counted through the text index, its page found by walking
        // the default order's index, which carries the folded text.
        var textCount = sqlite
            ? """SELECT COUNT(*) FROM (SELECT 1 FROM TransactionSearch WHERE TransactionSearch MATCH @p1 LIMIT 10001) x"""
            : """SELECT COUNT(*) FROM (SELECT 1 FROM "TransactionSearch" WHERE "Text" LIKE @p0 LIMIT 10001) x""";
        var text = (string fragment) => sqlite
            ? (object[])[$"%{SearchFolding.Fold(fragment)}%", $"\"{SearchFolding.Fold(fragment)}\""]
            : [$"%{SearchFolding.Fold(fragment)}%"];
        // A fragment in few rows, on PostgreSQL: its rows by id from the text index's table (the transactions have no
        // text index of their own there, so the pattern on their text would walk the whole list).
        var fewRows = sqlite ? """t."SearchText" LIKE @p0""" : """t."Id" IN (SELECT "Id" FROM "TransactionSearch" WHERE "Text" LIKE @p0)""";
        var searches = new (string Name, TransactionSearch Search, string Where, object[] Parameters, bool Exact, string? Count)[]
        {
            ("exact order", new(Text: samples.OrderNumber), """t."OrderNumber" = @p0""", [samples.OrderNumber], true, null),
            ("exact reservation", new(Text: samples.Reference), """t."ReservationNumber" = @p0""", [samples.Reference], true, null),
            ("invoice number", new(Text: samples.InvoiceNumber), """t."Id" IN (SELECT i."TransactionId" FROM "Invoices" i WHERE i."InvoiceNumber" = @p0)""", [samples.InvoiceNumber], true, null),
            ("e-mail fragment", new(Text: samples.EmailFragment), fewRows, text(samples.EmailFragment), false, textCount),
            ("last name, any case", new(Text: samples.LastName), """t."SearchText" LIKE @p0""", text(samples.LastName), false, textCount),
            ("state + currency", new(State: TransactionState.Captured, Currency: "SEK"), """t."State" = @p0 AND t."Currency" = @p1""", ["Captured", "SEK"], false, null),
            ("date range (30 days)", new(CreatedFrom: from, CreatedTo: to), """t."CreatedAt" >= @p0 AND t."CreatedAt" < @p1""",
                [Stored(new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), sqlite), Stored(new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), sqlite)], false, null),
            ("first page", new(), "1 = 1", [], false, null),
        };

        var results = new List<SearchResult>();
        var query = app.Service<TransactionQuery>();
        foreach (var (name, search, where, parameters, exact, count) in searches)
        {
            var rows = 0;
            var (appTime, handTime) = await AlternateAsync(runs,
                async () => rows = (await query.SearchAsync(search, TransactionPageRequest.First(25))).Page.Rows.Count,
                async () =>
                {
                    await using var connection = await database.OpenAsync();
                    await ScalarAsync(connection, count ?? $"""SELECT COUNT(*) FROM (SELECT 1 FROM "Transactions" t WHERE {where} LIMIT {TransactionQuery.CountBound + 1}) x""", parameters);
                    await ReadAsync(connection, $"""SELECT {Columns} FROM "Transactions" t WHERE {where}{Newest}""", parameters);
                });
            results.Add(new SearchResult(name, appTime, handTime, rows, exact));
        }

        // A page turn deep in the default order: by key, from the last row shown.
        var deep = samples.Deep;
        var deepRows = 0;
        var (appDeep, handDeep) = await AlternateAsync(runs,
            async () => deepRows = (await query.PageAsync(new TransactionSearch(),
                new TransactionPageRequest(TransactionSort.Created, true, PageDirection.Next, deep, 25))).Rows.Count,
            async () =>
            {
                await using var connection = await database.OpenAsync();
                await ReadAsync(connection,
                    $"""SELECT {Columns} FROM "Transactions" t WHERE t."CreatedAt" <= @p0 AND (t."CreatedAt" < @p0 OR t."Id" < @p1){Newest}""",
                    [Stored(deep.CreatedAt, sqlite), sqlite ? deep.Id.ToString().ToUpperInvariant() : deep.Id]);
            });
        results.Add(new SearchResult("deep page (middle of the list)", appDeep, handDeep, deepRows, false));
        return results;
    }

    /// <summary>The home page's figures as the overview loads them: the median in milliseconds after one warm-up.</summary>
    public static async Task<double> OverviewAsync(BenchApp app, int runs)
    {
        var overview = app.Service<OverviewQuery>();
        await overview.LoadAsync();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
            times.Add(await TimeAsync(() => overview.LoadAsync()));
        return Median(times);
    }

    /// <summary>One warm-up each, then app and hand in turn; medians in milliseconds.</summary>
    private static async Task<(double App, double Hand)> AlternateAsync(int runs, Func<Task> app, Func<Task> hand)
    {
        await app();
        await hand();
        var (appTimes, handTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs; i++)
        {
            appTimes.Add(await TimeAsync(app));
            handTimes.Add(await TimeAsync(hand));
        }
        return (Median(appTimes), Median(handTimes));
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed.TotalMilliseconds;
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>As the app stores a time: SQLite as its binary ticks, PostgreSQL as UTC.</summary>
    private static object Stored(DateTimeOffset value, bool sqlite) =>
        sqlite ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(value)! : value.ToUniversalTime();

    private static async Task ScalarAsync(DbConnection connection, string sql, object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteScalarAsync();
    }

    private static async Task ReadAsync(DbConnection connection, string sql, object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
            reader.GetValues(values);
    }

    private static DbCommand Command(DbConnection connection, string sql, object[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = parameters[i];
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
