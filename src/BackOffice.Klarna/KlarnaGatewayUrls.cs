using Microsoft.Extensions.Options;

namespace BackOffice.Klarna;

/// <summary>Where the gateway sends a call for an environment.</summary>
public interface IKlarnaGatewayUrls
{
    Uri For(KlarnaEnvironment environment);
}

/// <summary>The URLs of <see cref="KlarnaGatewayOptions"/>: Klarna's own hosts unless configured otherwise.</summary>
public sealed class ConfiguredKlarnaGatewayUrls(IOptions<KlarnaGatewayOptions> options) : IKlarnaGatewayUrls
{
    public Uri For(KlarnaEnvironment environment) => environment == KlarnaEnvironment.Live ? options.Value.LiveUrl : options.Value.TestUrl;
}
