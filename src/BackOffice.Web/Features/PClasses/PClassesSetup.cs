namespace BackOffice.Web.Features.PClasses;

internal static class PClassesSetup
{
    public static IServiceCollection AddPClasses(this IServiceCollection services) => services
        .AddSingleton<PClassFileStore>()
        .AddScoped<PClassCatalog>();
}
