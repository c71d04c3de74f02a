namespace BackOffice.Web.Features.Channels;

internal static class ChannelsSetup
{
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddScoped<ChannelService>();
        services.AddScoped<ChannelContext>();
        return services;
    }
}
