using BackOffice.Web.Data;

namespace BackOffice.Web.Features.Channels;

internal static class ChannelsSetup
{
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        // Shared secrets are encrypted with Data Protection, whose key ring the data layer keeps (see KeyRing).
        services.AddSingleton<SharedSecretProtector>();
        services.AddScoped<ChannelService>();
        services.AddScoped<ConnectorInitializer>();
        services.AddScoped<ChannelContext>();
        services.AddScoped<DemoChannelSeeder>();
        return services;
    }

    public static async Task SeedDemoChannelAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoChannelSeeder>().SeedAsync();
    }
}
