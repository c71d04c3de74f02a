using System.Globalization;
using System.Runtime.InteropServices;
using BackOffice.Klarna.Sandbox;

namespace BackOffice.Bench;

/// <summary>
/// Builds a database of N transactions and measures, in one run on it, the app's query paths against hand-written
/// SQL, the overview, the status poll against its ideal, and the shop API's reservations. Last line: "goals: K of N met".
/// </summary>
public static class Bench
{
    private const int SearchGoalMilliseconds = 50;
    private const int OverviewGoalMilliseconds = 200;

    /// <summary>Exits 1 when a goal is missed.</summary>
    public static async Task<int> Main(string[] args)
    {
        // dotnet run -c Release --project bench/BackOffice.Bench -- --transactions 1000000 [--provider PostgreSql --connection "…"]
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        var options = BenchOptions.Parse(args);
        Console.WriteLine($"Klarna Back Office benchmark: {options.Transactions:N0} transactions on {options.Provider}, {options.Pending:N0} pending, medians of {options.Runs}.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}.");

        await using var database = await BenchDatabase.CreateAsync(options);
        await using var app = BenchApp.Start(database);
        var samples = await BenchData.BuildAsync(app.Services, database, options.Transactions);

        Console.WriteLine("Searching...");
        var searches = await SearchBench.RunAsync(app, database, samples, options.Runs);
        Console.WriteLine($"Reserving {options.Pending:N0} pending orders through the shop API at concurrency 16...");
        var reservations = await ShopApiBench.ReserveAsync(app, "BENCH-PENDING", options.Pending, 16, KlarnaSandbox.PendingAcceptedEmail);
        Console.WriteLine($"Polling {options.Pending:N0} pending orders at {options.LatencyMilliseconds} ms sandbox latency...");
        var poll = await PollBench.RunAsync(app, options.LatencyMilliseconds, Math.Max(1, options.Runs / 2));
        Console.WriteLine("Reserving at concurrency 32...");
        var burst = await ShopApiBench.ReserveAsync(app, "BENCH-BURST", 640, 32, "max@example.com");

        Console.WriteLine("Opening the overview...");
        var overview = await SearchBench.OverviewAsync(app, options.Runs);

        var goals = new List<(string Goal, bool Met)>();
        var table = new List<string> { "| measure | app | hand SQL / ideal | goal |", "|---|---|---|---|" };
        foreach (var search in searches)
        {
            // Absolute: what an operator waits for. The hand SQL is the best plan found, for comparison.
            var met = search.AppMilliseconds <= SearchGoalMilliseconds;
            goals.Add((search.Name, met));
            table.Add($"| {search.Name} ({search.Rows} rows) | {search.AppMilliseconds:0.0} ms | {search.HandMilliseconds:0.0} ms | ≤ {SearchGoalMilliseconds} ms: {(met ? "met" : "MISSED")} |");
        }
        var overviewMet = overview <= OverviewGoalMilliseconds;
        goals.Add(("overview", overviewMet));
        table.Add($"| overview | {overview:0.0} ms | | ≤ {OverviewGoalMilliseconds} ms: {(overviewMet ? "met" : "MISSED")} |");
        var pollMet = poll.Efficiency >= 0.8 && poll.Failed == 0;
        goals.Add(("poll", pollMet));
        table.Add($"| poll, {poll.Checked:N0} pending, parallelism {poll.Parallelism}, {options.LatencyMilliseconds} ms latency ({poll.Failed} failed) | {poll.Seconds:0.0} s | {poll.IdealSeconds:0.0} s ({poll.Efficiency:0.00}× ideal) | ≥ 0.8× ideal: {(pollMet ? "met" : "MISSED")} |");
        table.Add($"| shop API reservations, concurrency 16 ({reservations.Errors} errors) | {reservations.PerSecond:0} /s | | |");
        var burstMet = burst.Errors == 0;
        goals.Add(("burst", burstMet));
        table.Add($"| shop API reservations, concurrency 32 | {burst.Errors} errors of {burst.Requests} | | 0 errors: {(burstMet ? "met" : "MISSED")} |");
        var verdict = $"goals: {goals.Count(g => g.Met)} of {goals.Count} met";

        Console.WriteLine();
        table.ForEach(Console.WriteLine);
        Console.WriteLine();
        if (options.Markdown is { } markdown)
        {
            await File.WriteAllLinesAsync(markdown, [$"{options.Transactions:N0} transactions on {options.Provider}; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; medians of {options.Runs}.", "", .. table, "", $"`{verdict}`"]);
            Console.WriteLine($"The table is in {markdown}.");
        }
        Console.WriteLine(verdict);
        return goals.All(g => g.Met) ? 0 : 1;
    }
}
