using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BackOffice.Web.Features.Hosting;

/// <summary>
/// Where this app listens, for the sandboxes mounted in it: the app calls them over real HTTP at whatever address it
/// got (known only once the server has started).
/// </summary>
public sealed class OwnAddress(IServer server)
{
    public Uri Of(string path) => new(Listening ?? throw new InvalidOperationException("A sandbox mounted in the app is reachable only once the app listens on an address."),
        path.TrimEnd('/') + "/");

    /// <summary>The first address the app listens on (plain HTTP first), or null before it listens.</summary>
    public Uri? Listening
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if ((addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()) is not { } address)
                return null;
            var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            uri.Host = uri.Host switch
            {
                "0.0.0.0" => "127.0.0.1",
                "[::]" => "[::1]",
                _ => uri.Host,
            };
            uri.Path = "/";
            return uri.Uri;
        }
    }
}
