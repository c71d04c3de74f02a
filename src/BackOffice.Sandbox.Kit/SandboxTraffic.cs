using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace BackOffice.Sandbox.Kit;

/// <summary>
/// What a sandbox's control API steers: latency, injected failures, and the count of calls per method (an XML-RPC
/// method, a Paygate page). <paramref name="configuredLatencyMs"/> is the latency until the control API sets one.
/// </summary>
public sealed class SandboxTraffic(Func<int> configuredLatencyMs)
{
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> peaks = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<SandboxInjection>> injections = new(StringComparer.Ordinal);
    private int? latencyMs;
    private int faultsHit;

    public TimeSpan Latency => TimeSpan.FromMilliseconds(latencyMs ?? configuredLatencyMs());

    public IReadOnlyDictionary<string, int> Calls => calls.ToDictionary(c => c.Key, c => c.Value);

    /// <summary>How many injected failures a call met, so that a test knows its faults reached the calls they targeted.</summary>
    public int FaultsHit => Volatile.Read(ref faultsHit);

    public void SetLatency(int milliseconds) => latencyMs = milliseconds;

    public void Count(string method) => calls.AddOrUpdate(method, 1, (_, count) => count + 1);

    /// <summary>The most calls of the method that were waiting out the latency at once: how many a client had in flight.</summary>
    public int PeakInFlight(string method) => peaks.GetValueOrDefault(method);

    /// <summary>Waits the latency, the call counted as in flight meanwhile.</summary>
    public async Task WaitLatencyAsync(string method, CancellationToken aborted)
    {
        var now = inFlight.AddOrUpdate(method, 1, (_, count) => count + 1);
        peaks.AddOrUpdate(method, now, (_, peak) => Math.Max(peak, now));
        try
        {
            if (Latency > TimeSpan.Zero)
                await Task.Delay(Latency, aborted);
        }
        finally
        {
            inFlight.AddOrUpdate(method, 0, (_, count) => count - 1);
        }
    }

    /// <summary>The next <see cref="SandboxInjection.Count"/> calls of its method fail as it says.</summary>
    public void Inject(SandboxInjection injection)
    {
        lock (gate)
        {
            if (!injections.TryGetValue(injection.Method, out var queue))
                injections[injection.Method] = queue = new Queue<SandboxInjection>();
            for (var i = 0; i < injection.Count; i++)
                queue.Enqueue(injection);
        }
    }

    public SandboxInjection? Take(string method)
    {
        lock (gate)
        {
            if (!injections.TryGetValue(method, out var queue) || !queue.TryDequeue(out var injection))
                return null;
            faultsHit++;
            return injection;
        }
    }

    /// <summary>Drops the injected failures not used yet.</summary>
    public void ClearInjections()
    {
        lock (gate)
            injections.Clear();
    }

    public void Reset()
    {
        lock (gate)
        {
            injections.Clear();
            faultsHit = 0;
        }
        calls.Clear();
        peaks.Clear();
        latencyMs = null;
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<SandboxFailure>))]
public enum SandboxFailure
{
    /// <summary>Answer with the refusal <see cref="SandboxInjection.Code"/> (a Klarna fault, a Paygate code).</summary>
    Fault,

    /// <summary>Never answer; the client's timeout ends the call.</summary>
    Timeout,

    /// <summary>Answer HTTP 500.</summary>
    ServerError,

    /// <summary>Cut the connection without an answer, as a line that drops: the client knows at once that the answer is lost.</summary>
    Drop,
}

/// <param name="AfterExecution">For Timeout, ServerError and Drop: carry the call out first, as a real gateway may before the line drops.</param>
public sealed record SandboxInjection(string Method, SandboxFailure Failure, int Code = 0, int Count = 1, bool AfterExecution = false);

/// <summary>Never answering: the client's timeout ends the call.</summary>
public static class SandboxHang
{
    public static async Task HangAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(5), aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is the point.
        }
    }
}
