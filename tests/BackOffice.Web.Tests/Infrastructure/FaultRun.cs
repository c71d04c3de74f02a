using System.Globalization;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// How long a model-based fault test runs with a random seed: 60 operations in CI, as many as
/// <c>scripts/fault-run.sh</c> asks for (<c>FAULT_RUN_OPERATIONS</c>), whose report collects each provider's summary.
/// <c>FAULT_RUN_SEED</c> replays a run.
/// </summary>
internal static class FaultRun
{
    public const int StepsPerSequence = 30;

    /// <summary>
    /// Whether a run goes on to another sequence: until it has run the sequences asked for, and then, for a seed that met
    /// no fault (or no refusal) by chance, up to six more from the same seed; after those it fails as powerless.
    /// </summary>
    public static bool NeedsAnotherSequence(int done, int asked, bool hasPower) => done < asked || !hasPower && done < asked + 6;

    public static ulong Seed() =>
        ulong.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_SEED"), CultureInfo.InvariantCulture, out var given) ? given : (ulong)Random.Shared.NextInt64();

    public static int Sequences()
    {
        var operations = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_OPERATIONS"), CultureInfo.InvariantCulture, out var wanted) ? wanted : 60;
        return Math.Max(1, (operations + StepsPerSequence - 1) / StepsPerSequence);
    }

    public static async Task ReportAsync(IEnumerable<string> lines)
    {
        if (Environment.GetEnvironmentVariable("FAULT_RUN_REPORT") is { Length: > 0 } report)
            await File.AppendAllLinesAsync(report, lines);
    }
}
