using System.Globalization;
using System.Runtime.InteropServices;
using BackOffice.Klarna.Sandbox;

namespace BackOffice.Bench;

/// <summary>
/// Builds a database of N transactions and measures, in one run on it, the app's query paths against hand-written
/// SQL, the status poll against its ideal, and the shop API's reservations. Last line: "goals: K of N met".
/// </summary>
public static class Bench
{
    public static async Task Main(string[] args)
    {
        // dotnet run -c Release --project bench/BackOffice.Bench -- --transactions 1000000 [--provider PostgreSql --connection "…"]
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        var options = BenchOptions.Parse(args);
        Console.WriteLine($"Klarna Back Office benchmark: {options.Transactions:N0} transactions on {options.Provider}, {options.Pending:N0} pending, medians of {options.Runs}.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}.");

        await using var database = await BenchDatabase.CreateAsync(options);
        await using var app = BenchApp.Start(database);
        var samples = await BenchData.BuildAsync(app.Services, options.Transactions);

        Console.WriteLine("Searching...");
        var searches = await SearchBench.RunAsync(app, database, samples, options.Runs);
        Console.WriteLine($"Reserving {options.Pending:N0} pending orders through the shop API at concurrency 16...");
        var reservations = await ShopApiBench.ReserveAsync(app, "BENCH-PENDING", options.Pending, 16, KlarnaSandbox.PendingAcceptedEmail);
        Console.WriteLine($"Polling {options.Pending:N0} pending orders at {options.LatencyMilliseconds} ms sandbox latency...");
        var poll = await PollBench.RunAsync(app, options.LatencyMilliseconds, Math.Max(1, options.Runs / 2));
        Console.WriteLine("Reserving at concurrency 32...");
        var burst = await ShopApiBench.ReserveAsync(app, "BENCH-BURST", 640, 32, "max@example.com");

        var goals = new List<(string Goal, bool Met)>();
        Console.WriteLine();
        Console.WriteLine("| measure | app | hand SQL / ideal | ratio | goal |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var search in searches)
        {
            var ratio = search.AppMilliseconds / search.HandMilliseconds;
            var met = ratio <= 2 && (!search.Exact || search.AppMilliseconds < 10);
            goals.Add((search.Name, met));
            var goal = search.Exact ? "≤ 2× and < 10 ms" : "≤ 2×";
            Console.WriteLine($"| {search.Name} ({search.Rows} rows) | {search.AppMilliseconds:0.0} ms | {search.HandMilliseconds:0.0} ms | {ratio:0.00}× | {goal}: {(met ? "met" : "MISSED")} |");
        }
        var pollMet = poll.Efficiency >= 0.8 && poll.Failed == 0;
        goals.Add(("poll", pollMet));
        Console.WriteLine($"| poll, {poll.Checked:N0} pending, parallelism {poll.Parallelism}, {options.LatencyMilliseconds} ms latency ({poll.Failed} failed) | {poll.Seconds:0.0} s | {poll.IdealSeconds:0.0} s | {poll.Efficiency:0.00}× ideal | ≥ 0.8× ideal: {(pollMet ? "met" : "MISSED")} |");
        Console.WriteLine($"| shop API reservations, concurrency 16 ({reservations.Errors} errors) | {reservations.PerSecond:0} /s | | | |");
        var burstMet = burst.Errors == 0;
        goals.Add(("burst", burstMet));
        Console.WriteLine($"| shop API reservations, concurrency 32 | {burst.Errors} errors of {burst.Requests} | | | 0 errors: {(burstMet ? "met" : "MISSED")} |");
        Console.WriteLine();
        Console.WriteLine($"goals: {goals.Count(g => g.Met)} of {goals.Count} met");
    }
}
