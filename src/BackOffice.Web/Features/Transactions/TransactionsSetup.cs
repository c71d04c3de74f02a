using System.Globalization;
using BackOffice.Web.Features.Payments;
using Microsoft.AspNetCore.Mvc;

namespace BackOffice.Web.Features.Transactions;

internal static class TransactionsSetup
{
    public static IServiceCollection AddTransactions(this IServiceCollection services) => services
        .AddScoped<DomainEvents>()
        .AddSingleton<TransactionChanges>()
        .AddSingleton(new BackOffice.Web.Features.AuditLog.AuditActionKinds("Transactions", typeof(OperationKind)))
        .AddScoped<OperationJournal>()
        .AddScoped<PaymentPorts>()
        .AddScoped<TransactionService>()
        .AddScoped<BulkActions>()
        .AddScoped<SavedViews>()
        .AddScoped<TransactionQuery>();

    /// <summary><c>GET /transactions/export.csv</c> with the list's filters: the whole result, streamed.</summary>
    public static IEndpointConventionBuilder MapTransactionExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/transactions/export.csv", async (HttpContext context, TransactionQuery query, IConfiguration configuration, TimeProvider time,
                [FromQuery] string? text, [FromQuery] string? channel, [FromQuery] ServiceKind? service, [FromQuery] TransactionState? state,
                [FromQuery] string? currency, [FromQuery] DateOnly? from, [FromQuery] DateOnly? to, [FromQuery] bool expiresSoon = false, [FromQuery] bool attention = false,
                [FromQuery] string? country = null, [FromQuery] long? min = null, [FromQuery] long? max = null, [FromQuery] string? mark = null) =>
            {
                var search = new TransactionSearch(text, channel, service, state, currency, from, to, expiresSoon, attention, country, min, max, mark);
                if (search.TextError is { } tooLong)
                    return Results.Text(tooLong.ToString(), statusCode: StatusCodes.Status400BadRequest);
                var format = CsvFormat.For(CultureInfo.CurrentCulture, configuration["Export:CsvSeparator"]);
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = $"attachment; filename={CsvFormat.FileName("transactions", time.GetUtcNow())}";
                await query.WriteCsvAsync(search, context.Response.Body, format, context.RequestAborted);
                return Results.Empty;
            })
            .RequireAuthorization(Policies.Staff);
}
