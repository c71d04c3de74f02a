using System.Diagnostics;
using Npgsql;

namespace BackOffice.Bench;

/// <summary>
/// Ten million rows on PostgreSQL in minutes rather than hours: the transactions built through the domain are copied by
/// the server, one statement per copy, each copy with new ids and its own order, reservation and invoice numbers (the
/// folded search text follows the order number), the same customers, amounts, states and dates.
/// </summary>
public static class BenchCopies
{
    public static async Task CopyAsync(BenchDatabase database, int copies)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        await ExecuteAsync(connection, """CREATE TEMP TABLE seed_transactions AS SELECT * FROM "Transactions"; CREATE TEMP TABLE seed_invoices AS SELECT * FROM "Invoices";""");
        var transactionColumns = await ColumnsAsync(connection, "Transactions");
        var invoiceColumns = await ColumnsAsync(connection, "Invoices");
        for (var copy = 1; copy <= copies; copy++)
        {
            var suffix = $"'-{copy}'";
            var transaction = Select(transactionColumns, new Dictionary<string, string>
            {
                ["Id"] = $"""md5(t."Id"::text || {suffix})::uuid""",
                ["Version"] = "gen_random_uuid()",
                ["OrderNumber"] = $"""t."OrderNumber" || {suffix}""",
                ["ReservationNumber"] = $"""t."ReservationNumber" || {suffix}""",
                ["SearchText"] = $"""lower(t."OrderNumber" || {suffix}) || substr(t."SearchText", length(t."OrderNumber") + 1)""",
            });
            var invoice = Select(invoiceColumns, new Dictionary<string, string>
            {
                ["Id"] = $"""md5(t."Id"::text || {suffix})::uuid""",
                ["TransactionId"] = $"""md5(t."TransactionId"::text || {suffix})::uuid""",
                ["InvoiceNumber"] = $"""t."InvoiceNumber" || {suffix}""",
            });
            await ExecuteAsync(connection, $"""
                INSERT INTO "Transactions" ({Names(transactionColumns)}) SELECT {transaction} FROM seed_transactions t;
                INSERT INTO "Invoices" ({Names(invoiceColumns)}) SELECT {invoice} FROM seed_invoices t;
                """);
            if (copy % 5 == 0 || copy == copies)
                Console.WriteLine($"  copy {copy} of {copies}, {clock.Elapsed.TotalSeconds:0} s");
        }
        Console.WriteLine($"Copied in {clock.Elapsed.TotalSeconds:0} s.");
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table ORDER BY ordinal_position", connection);
        command.Parameters.AddWithValue("table", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add(reader.GetString(0));
        return columns;
    }

    private static string Names(List<string> columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

    private static string Select(List<string> columns, Dictionary<string, string> replaced) =>
        string.Join(", ", columns.Select(c => replaced.GetValueOrDefault(c, $"t.\"{c}\"")));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
