using System.Reflection;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Components;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.CardAcquiring;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Overview;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Features.Webhooks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseRootDevelopmentSettings();
    builder.AddKeyRing();

    builder.Services.AddHosting(builder.Configuration, builder.Environment);
    builder.Services.AddRazorComponents().AddInteractiveServerComponents();
    builder.Services.AddMudServices();
    builder.Services.AddTexts();
    builder.Services.AddDisplayTime();
    builder.Services.AddBackOfficeData(builder.Configuration);
    builder.Services.AddUsers();
    builder.Services.AddJobs();
    builder.AddPaymentProvider<KlarnaModule>();
    builder.AddPaymentProvider<ComputopModule>();
    builder.AddPaymentProvider<KlarnaRestModule>();
    builder.AddPaymentProvider<ECommPayModule>();
    builder.Services.AddChannels();
    builder.Services.AddAuditLog();
    builder.Services.AddTransactions();
    builder.Services.AddShopApi();
    builder.Services.AddOverview();
    builder.Services.AddWebhooks();
    builder.Services.AddCardAcquiring();
    builder.Services.AddSubscriptions();

    var app = builder.Build();
    _ = app.Services.GetRequiredKeyedService<DisplayTime>(DisplayTime.BackOfficeZone); // A wrong Display:TimeZone stops the start, not the first page.

    app.UseHosting();
    if (app.Environment.IsDevelopment())
        app.UseMigrationsEndPoint();
    else
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
    // Before authentication: requests with wrong keys are limited too (per client address).
    app.UseRateLimiter();
    app.UseAuthentication();
    app.UseBackOfficeCultures();
    app.UseAuthorization();
    app.UseMiddleware<TwoFactorEnrolment>();
    app.UseAntiforgery();

    app.MapStaticAssets();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    app.MapAdditionalIdentityEndpoints();
    app.MapSessionKeepAlive();
    app.MapHealthChecks("/health");
    app.MapPaymentProviders();
    app.MapCardAcquiring();
    app.MapTransactionExport();
    app.MapAuditLogExport();
    app.MapShopApi();

    app.LogStartup();
    await using (await app.StartupLockAsync())
    {
        await app.MigrateDatabaseAsync();
        await app.SeedIdentityAsync();
        await app.StartPaymentProvidersAsync();
        await app.SeedDemoApiKeyAsync();
        await app.StartJobsAsync();
        app.StartWebhooks();
    }
    // Mapping the dashboard opens Hangfire's storage, which on PostgreSQL waits for the database: after it is made.
    app.MapJobsDashboard();
    await app.RunAsync();
}
catch (Exception e) when (e is StartupRefusedException or OptionsValidationException && Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // One line an operator can act on, not a stack trace; an app hosted by tests lets the exception through to them.
    await Console.Error.WriteLineAsync($"Klarna Back Office cannot start: {e.Message}");
    return 1;
}
return 0;

public partial class Program;
