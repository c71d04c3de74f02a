using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.Klarna;

public static class KlarnaGatewaySetup
{
    /// <summary>
    /// Registers <see cref="IKlarnaGateway"/> on IHttpClientFactory; bind <see cref="KlarnaGatewayOptions"/> beside it.
    /// A host may register its own <see cref="IKlarnaGatewayUrls"/> first.
    /// </summary>
    public static IHttpClientBuilder AddKlarnaGateway(this IServiceCollection services)
    {
        services.AddOptions<KlarnaGatewayOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KlarnaGatewayOptions>, KlarnaGatewayOptionsValidator>());
        services.TryAddSingleton<IKlarnaGatewayUrls, ConfiguredKlarnaGatewayUrls>();
        // The gateway applies its own per-call timeout; the client's would also cut off read retries.
        return services.AddHttpClient<IKlarnaGateway, KlarnaGateway>(http => http.Timeout = Timeout.InfiniteTimeSpan);
    }
}
