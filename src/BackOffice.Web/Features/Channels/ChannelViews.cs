using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Features.Channels;

/// <summary>A service as pages see it: the secret is only "set" or "not set".</summary>
public sealed record PaymentServiceView(
    ServiceKind Kind,
    PaymentServiceSettings Settings,
    bool HasSecret,
    ProviderEnvironment Environment,
    ServiceInitialization? LastInitialization,
    Guid Version)
{
    public string Name => Kind.Name;

    public static PaymentServiceView Of(PaymentService service) =>
        new(service.Kind, service.Settings, service.HasSecret, service.Environment, service.LastInitialization, service.Version);
}

public sealed record ChannelView(string Code, string Name, IReadOnlyList<PaymentServiceView> Services)
{
    /// <summary>The services provider modules keep for the channel beside its own (<see cref="IChannelServiceSummaries"/>).</summary>
    public IReadOnlyList<ServiceSummary> ProviderServices { get; init; } = [];

    /// <summary>How many transactions were made through the channel: one is enough to keep it (their history stays).</summary>
    public int TransactionCount { get; init; }

    public PaymentServiceView Service(ServiceKind kind) => Services.Single(s => s.Kind == kind);

    public static ChannelView Of(Channel channel) =>
        new(channel.Code, channel.Name, [.. PaymentProviders.Services.Where(s => s.ChannelSettings).Select(s => PaymentServiceView.Of(channel.Service(s.Kind)))]);
}
