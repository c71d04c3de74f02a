namespace BackOffice.Web.Features.Channels;

public sealed record ChannelView(string Code, string Name)
{
    /// <summary>The services the provider modules keep for the channel (<see cref="IChannelServiceSummaries"/>), in the order the modules are added.</summary>
    public IReadOnlyList<ServiceSummary> Services { get; init; } = [];

    /// <summary>How many transactions were made through the channel: one is enough to keep it (their history stays).</summary>
    public int TransactionCount { get; init; }

    public static ChannelView Of(Channel channel) => new(channel.Code, channel.Name);
}
