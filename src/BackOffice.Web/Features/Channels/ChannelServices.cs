using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.Channels;

/// <summary>
/// A service a provider module keeps for a channel, as the channel list, the header and the overview show it. A service
/// that must be initialized says whether it <paramref name="NeverInitialized"/> was and why its last initialization
/// failed (<paramref name="InitializationFailure"/>).
/// </summary>
public sealed record ServiceSummary(ServiceKind Service, string ShortName, bool Enabled, ProviderEnvironment Environment,
    bool NeverInitialized = false, Message? InitializationFailure = null);

/// <summary>A provider module's service kept beside the channel: the channel list shows a column for each.</summary>
public interface IChannelServiceSummaries
{
    ServiceKind Service { get; }

    /// <summary>The channels that have one, by channel id (all when <paramref name="channelId"/> is null).</summary>
    Task<IReadOnlyDictionary<int, ServiceSummary>> ByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken);
}

/// <summary>
/// A card of the channel page, rendered by type in <paramref name="Order"/>: each provider module brings the card of its
/// services, the shop API its keys. The component takes the parameters of <see cref="ChannelCard"/>.
/// </summary>
public sealed record ChannelCardType(Type Component, int Order);

/// <summary>What the channel page hands each of its cards.</summary>
public abstract class ChannelCard : Microsoft.AspNetCore.Components.ComponentBase
{
    [Microsoft.AspNetCore.Components.Parameter, Microsoft.AspNetCore.Components.EditorRequired]
    public string ChannelCode { get; set; } = "";

    /// <summary>Raised after the card saved something the rest of the page shows.</summary>
    [Microsoft.AspNetCore.Components.Parameter]
    public Microsoft.AspNetCore.Components.EventCallback Changed { get; set; }
}

public static class ChannelCards
{
    public static IServiceCollection AddChannelCard<TCard>(this IServiceCollection services, int order) where TCard : ChannelCard =>
        services.AddSingleton(new ChannelCardType(typeof(TCard), order));
}
