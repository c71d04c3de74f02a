using Microsoft.Extensions.Options;

namespace BackOffice.Klarna.Tests.Infrastructure;

internal static class TestGateway
{
    public static KlarnaGateway Create(HttpMessageHandler handler, Action<KlarnaGatewayOptions>? configure = null)
    {
        var options = new KlarnaGatewayOptions
        {
            TestUrl = new Uri("https://test.gateway.example/"),
            LiveUrl = new Uri("https://live.gateway.example/"),
            ReadRetryDelay = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new KlarnaGateway(new HttpClient(handler), wrapped, new ConfiguredKlarnaGatewayUrls(wrapped));
    }
}
