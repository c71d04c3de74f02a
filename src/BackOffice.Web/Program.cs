using BackOffice.Web.Components;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.PClasses;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Users;
using BackOffice.Klarna.Sandbox.Hosting;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
builder.UseRootDevelopmentSettings();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddBackOfficeData();
builder.Services.AddUsers();
builder.Services.AddJobs();
builder.Services.AddKlarna();
builder.Services.AddChannels();
builder.Services.AddPClasses();
builder.Services.AddAuditLog();
builder.Services.AddTransactions();
builder.Services.AddShopApi();

var app = builder.Build();

if (app.Environment.IsDevelopment())
    app.UseMigrationsEndPoint();
else
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseBackOfficeCultures();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapSessionKeepAlive();
app.MapHealthChecks("/health");
app.MapJobsDashboard();
app.MapInProcessSandbox();
app.MapTransactionExport();
app.MapShopApi();

await app.MigrateDatabaseAsync();
await app.SeedIdentityAsync();
await app.SeedDemoChannelAsync();
await app.SeedDemoApiKeyAsync();
await app.StartJobsAsync();
await app.RunAsync();

public partial class Program;
