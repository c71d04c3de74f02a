using BackOffice.Klarna;
using BackOffice.Web.Features.Hosting;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>The configured Klarna hosts, except that with the sandbox mounted in-process the test gateway is this app itself.</summary>
internal sealed class GatewayUrls(IOptions<KlarnaGatewayOptions> options, OwnAddress ownAddress, IConfiguration configuration)
    : IKlarnaGatewayUrls
{
    public Uri For(KlarnaEnvironment gatewayEnvironment) =>
        gatewayEnvironment == KlarnaEnvironment.Test && KlarnaModule.SandboxMountPath(configuration) is { } path
            ? ownAddress.Of(path)
            : new ConfiguredKlarnaGatewayUrls(options).For(gatewayEnvironment);
}
