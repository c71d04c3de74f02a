using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace BackOffice.Web.Features.AuditLog;

internal static class AuditLogSetup
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services) => services.AddScoped<AuditLogQuery>().AddSingleton<RefusedNotifications>().AddSingleton<AuditSubjects>();

    /// <summary><c>GET /audit-log/export.csv</c> with the page's filters: every matching entry, streamed (administrators).</summary>
    public static IEndpointConventionBuilder MapAuditLogExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/audit-log/export.csv", async (HttpContext context, AuditLogQuery query, IConfiguration configuration, TimeProvider time,
                [FromQuery] string? text, [FromQuery] string? area, [FromQuery] string? user, [FromQuery] DateOnly? from, [FromQuery] DateOnly? to) =>
            {
                var format = CsvFormat.For(CultureInfo.CurrentCulture, configuration["Export:CsvSeparator"]);
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = $"attachment; filename={CsvFormat.FileName("audit-log", time.GetUtcNow())}";
                await query.WriteCsvAsync(new AuditLogFilter(text, area, user, from, to), context.Response.Body, format, context.RequestAborted);
            })
            .RequireAuthorization(Policies.Administrator);
}
