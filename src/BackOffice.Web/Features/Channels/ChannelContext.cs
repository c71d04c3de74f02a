namespace BackOffice.Web.Features.Channels;

/// <summary>The channel the current page is about (per circuit), so the app bar can show its environments.</summary>
public sealed class ChannelContext
{
    public ChannelView? Channel { get; private set; }

    public event Action? Changed;

    public void Set(ChannelView? channel)
    {
        Channel = channel;
        Changed?.Invoke();
    }
}
