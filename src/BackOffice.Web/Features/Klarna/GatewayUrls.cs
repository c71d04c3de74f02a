using BackOffice.Klarna;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// The configured Klarna hosts, except that with the sandbox mounted in-process the test gateway is this app itself,
/// reached over real HTTP at whatever address it listens on (known only once the server has started).
/// </summary>
internal sealed class GatewayUrls(IOptions<KlarnaGatewayOptions> options, IServer server, IConfiguration configuration)
    : IKlarnaGatewayUrls
{
    public Uri For(KlarnaEnvironment gatewayEnvironment) =>
        gatewayEnvironment == KlarnaEnvironment.Test && KlarnaSetup.SandboxMountPath(configuration) is { } path
            ? new Uri(OwnAddress(), path + "/")
            : new ConfiguredKlarnaGatewayUrls(options).For(gatewayEnvironment);

    private Uri OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The in-process Klarna sandbox is reachable only once the app listens on an address.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        uri.Host = uri.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => uri.Host,
        };
        return uri.Uri;
    }
}
