namespace BackOffice.Web.Features.Hosting;

public static class ApplicationStart
{
    /// <summary>
    /// Waits until the app listens, for background work that calls a sandbox mounted in the app over HTTP; false when
    /// the app stops first.
    /// </summary>
    public static async Task<bool> StartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        return started.Task.IsCompleted;
    }
}
