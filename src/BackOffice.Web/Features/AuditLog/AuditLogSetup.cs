namespace BackOffice.Web.Features.AuditLog;

internal static class AuditLogSetup
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services) => services.AddScoped<AuditLogQuery>();
}
