using System.Diagnostics;
using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackOffice.Web.Features.Klarna;

namespace BackOffice.Bench;

public sealed record PollResult(int Checked, int Failed, int Parallelism, double Seconds, double IdealSeconds)
{
    /// <summary>Ideal time over measured time: 1 is as fast as the sandbox's latency allows.</summary>
    public double Efficiency => IdealSeconds / Seconds;
}

/// <summary>KlarnaCheckOrderStatus over every pending order, at a sandbox latency, against N × latency ÷ parallelism.</summary>
public static class PollBench
{
    public static async Task<PollResult> RunAsync(BenchApp app, int latencyMilliseconds, int runs)
    {
        var sandbox = new SandboxControlClient(new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/klarna/") });
        int parallelism;
        await using (var db = await app.Service<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            parallelism = (await db.JobSettings.FindAsync(JobSettings.CheckOrderStatus) ?? new JobSettings(JobSettings.CheckOrderStatus)).Parallelism;
        await sandbox.SetLatencyAsync(latencyMilliseconds);
        try
        {
            var times = new List<double>();
            JobRun? last = null;
            for (var i = 0; i < runs; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var clock = Stopwatch.StartNew();
                last = await scope.ServiceProvider.GetRequiredService<PendingStatusPoller>().RunAsync("Bench", CancellationToken.None);
                times.Add(clock.Elapsed.TotalSeconds);
            }
            var ideal = last!.Checked * latencyMilliseconds / 1000.0 / parallelism;
            return new PollResult(last.Checked, last.Failed, parallelism, SearchBench.Median(times), ideal);
        }
        finally
        {
            await sandbox.SetLatencyAsync(0);
        }
    }
}
