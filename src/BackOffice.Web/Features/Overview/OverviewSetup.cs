namespace BackOffice.Web.Features.Overview;

internal static class OverviewSetup
{
    public static IServiceCollection AddOverview(this IServiceCollection services) => services.AddScoped<OverviewQuery>();
}
