using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ShopApi;

internal static class ShopApiSetup
{
    public const string Policy = "ShopApi";
    private const string RateLimit = "ShopApiPerKey";

    public static IServiceCollection AddShopApi(this IServiceCollection services)
    {
        services.AddScoped<ApiKeyService>();
        services.AddChannelCard<ApiKeysCard>(order: 100);
        services.AddSingleton(new OptionalShopApiFields(typeof(PaymentOptionsRequest), "shippingAddress", "shippingDestinations", "coveredByOtherInstrument", "digitalGoodsOnly"));
        services.AddSingleton(new OptionalShopApiFields(typeof(ApiAddress), "company", "houseNumber", "careOf", "phone", "email"));
        services.AddSingleton<ActiveApiKeys>();
        services.AddHostedService(provider => provider.GetRequiredService<ActiveApiKeys>());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().RequireClaim(ApiKeyAuthentication.ChannelClaim));
        services.AddProblemDetails();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));
        // A known key has its own budget; wrong and missing keys share one per client address, so guessing costs.
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(RateLimit, context =>
        {
            var configuration = context.RequestServices.GetRequiredService<IConfiguration>();
            var key = context.Request.Headers[ApiKeyAuthentication.Header].ToString();
            return context.RequestServices.GetRequiredService<ActiveApiKeys>().ChannelOf(key) is not null
                ? RateLimitPartition.GetFixedWindowLimiter("key:" + ApiKey.HashOf(key), _ => PerMinute(configuration.GetValue("ShopApi:RequestsPerMinute", 120)))
                : RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => PerMinute(configuration.GetValue("ShopApi:UnauthenticatedRequestsPerMinute", 20)));
        }));
        services.AddOpenApi(options => options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "Klarna Back Office shop API", Version = "v1", Description = "Payment options and reservations for a channel. Send the channel's API key in X-Api-Key." };
            document.Components ??= new();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.ApiKey,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "The channel's API key, created by an administrator on the channel page.",
            };
            return Task.CompletedTask;
        }).AddSchemaTransformer((schema, context, _) =>
        {
            // Positional records make every constructor parameter required; these the shop may leave out.
            foreach (var optional in context.ApplicationServices.GetServices<OptionalShopApiFields>().Where(o => o.Type == context.JsonTypeInfo.Type))
                schema.Required?.ExceptWith(optional.Fields);
            return Task.CompletedTask;
        }));
        return services;
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) };

    public static void MapShopApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // A path under /api that names nothing is answered as the API answers, not with the app's HTML page.
        app.Map("/api/{**path}", (string? path) => Results.Problem(title: "Not found", statusCode: StatusCodes.Status404NotFound,
                detail: $"There is no /api/{path}; the shop API is described at /openapi/v1.json."))
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        var channel = app.MapGroup("/api/v1/channels/{code}").RequireAuthorization(Policy).RequireRateLimiting(RateLimit).WithTags("Shop API")
            .WithMetadata(new RateLimitDetail(context => context.RequestServices.GetRequiredService<ActiveApiKeys>().ChannelOf(context.Request.Headers[ApiKeyAuthentication.Header]) is not null
                ? "This API key sent more requests than its limit per minute (ShopApi:RequestsPerMinute); wait as Retry-After says."
                : "Too many requests with a wrong or missing API key from this address; wait as Retry-After says."))
            .DisableAntiforgery();
        channel.MapPost("/payment-options", PaymentOptionsEndpoint.HandleAsync)
            .WithName("PaymentOptions").WithSummary("Which services a basket may use, and why not")
            .Accepts<PaymentOptionsRequest>("application/json")
            .Produces<PaymentOptionsResponse>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(429);
        foreach (var offer in app.Services.GetServices<IShopApiOffer>())
            offer.MapEndpoints(channel);
        foreach (var endpoints in app.Services.GetServices<IShopApiEndpoints>())
            endpoints.MapEndpoints(channel);
    }

    /// <summary>In Development, Seed:DemoApiKey becomes a key of the demo channel.</summary>
    public static async Task SeedDemoApiKeyAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || app.Configuration["Seed:DemoApiKey"] is not { Length: > 0 } key || app.Configuration["Seed:DemoChannel:Code"] is not { } code)
            return;
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var hash = ApiKey.HashOf(key);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash) || await db.Channels.SingleOrDefaultAsync(c => c.Code == code) is not { } channel)
            return;
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.ApiKeys.Add(ApiKey.FromPlaintext(channel.Id, "Demo shop", key, "system", now));
        db.AuditEntries.Add(new AuditEntry(now, "system", "Channels", "API key created", code, new Message("Development demo key")));
        await db.SaveChangesAsync();
    }
}
