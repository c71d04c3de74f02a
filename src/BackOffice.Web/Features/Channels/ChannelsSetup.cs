namespace BackOffice.Web.Features.Channels;

internal static class ChannelsSetup
{
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        // Shared secrets are encrypted with Data Protection, whose key ring the data layer keeps (see KeyRing).
        services.AddSingleton<SharedSecretProtector>();
        services.AddScoped<ChannelService>();
        services.AddScoped<ChannelContext>();
        return services;
    }
}
