using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;

namespace BackOffice.Web.Features.Channels;

/// <summary>A service as pages see it: the secret is only "set" or "not set".</summary>
public sealed record PaymentServiceView(
    ServiceKind Kind,
    PaymentServiceSettings Settings,
    bool HasSecret,
    KlarnaEnvironment Environment,
    ServiceInitialization? LastInitialization,
    Guid Version)
{
    public string Name => ServiceNames.Of(Kind);

    public static PaymentServiceView Of(PaymentService service) =>
        new(service.Kind, service.Settings, service.HasSecret, service.Environment, service.LastInitialization, service.Version);
}

/// <summary>Whether a channel's Klarna Payments through Computop is on, and live or test.</summary>
public sealed record KlarnaPaymentsStatus(bool Enabled, bool Live)
{
    public KlarnaEnvironment Environment => Live ? KlarnaEnvironment.Live : KlarnaEnvironment.Test;
}

public sealed record ChannelView(string Code, string Name, PaymentServiceView Invoice, PaymentServiceView Installments)
{
    /// <summary>The channel's Computop service, when it has one.</summary>
    public KlarnaPaymentsStatus? KlarnaPayments { get; init; }

    /// <summary>How many transactions were made through the channel: one is enough to keep it (their history stays).</summary>
    public int TransactionCount { get; init; }

    public IEnumerable<PaymentServiceView> Services => [Invoice, Installments];

    public PaymentServiceView Service(ServiceKind kind) => kind == ServiceKind.Invoice ? Invoice : Installments;

    public static ChannelView Of(Channel channel) =>
        new(channel.Code, channel.Name, PaymentServiceView.Of(channel.Service(ServiceKind.Invoice)), PaymentServiceView.Of(channel.Service(ServiceKind.Installments)));
}
