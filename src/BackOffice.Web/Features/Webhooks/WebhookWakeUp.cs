using Hangfire;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>
/// Tells the sender that events wait: a running delivery takes them in its next round; otherwise one Hangfire job is
/// enqueued (not one per save). The minutely sweep catches what a wake-up in another instance missed.
/// </summary>
public sealed class WebhookWakeUp(IServiceProvider services)
{
    private readonly Lock gate = new();
    private bool running;
    private bool enqueued;
    private bool requested;
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake()
    {
        bool enqueue;
        lock (gate)
        {
            requested = true;
            signal.TrySetResult();
            enqueue = !running && !enqueued;
            enqueued |= enqueue;
        }
        if (enqueue)
            services.GetRequiredService<IBackgroundJobClient>().Enqueue<WebhookSender>(s => s.RunAsync(CancellationToken.None));
    }

    /// <summary>A run took the lease; answers false when one runs in this process already.</summary>
    public bool Started()
    {
        lock (gate)
        {
            enqueued = false;
            if (running)
                return false;
            running = true;
            return true;
        }
    }

    /// <summary>Whether events arrived since the last call, and clears it.</summary>
    public bool TakeRequest()
    {
        lock (gate)
        {
            var was = requested;
            (requested, signal) = (false, signal.Task.IsCompleted ? new(TaskCreationOptions.RunContinuationsAsynchronously) : signal);
            return was;
        }
    }

    /// <summary>Completes when <see cref="Wake"/> is called.</summary>
    public Task Woken
    {
        get
        {
            lock (gate)
                return signal.Task;
        }
    }

    public void Ended()
    {
        bool again;
        lock (gate)
        {
            running = false;
            again = requested;
        }
        if (again)
            Wake();
    }
}
