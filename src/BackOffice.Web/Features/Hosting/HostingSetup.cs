using System.Net;
using BackOffice.Web.Data;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;

namespace BackOffice.Web.Features.Hosting;

/// <summary>
/// How the app meets the network: security headers on every answer (HSTS outside Development), a content security
/// policy Blazor Server and MudBlazor work under without eval, forwarded headers from the proxies the configuration
/// names, and a start-up line that says what this instance is.
/// </summary>
internal static partial class HostingSetup
{
    private const int OneYear = 365 * 24 * 60 * 60;
    private const string DashboardPolicy = "HangfireDashboard";

    public static IServiceCollection AddHosting(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(headers => Headers(headers, environment, dashboard: false))
            .AddPolicy(DashboardPolicy, headers => Headers(headers, environment, dashboard: true))
            // Chosen as the answer starts, when the dashboard has moved "/hangfire" from the path into the path base.
            .SetPolicySelector(context => (context.HttpContext.Request.PathBase + context.HttpContext.Request.Path).StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase)
                ? context.ConfiguredPolicies[DashboardPolicy]
                : context.SelectedPolicy);

        // Cookies are Secure whenever the request came over TLS: directly, or through a proxy named here.
        services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(options => options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        services.Configure<ForwardedHeadersOptions>(options => ForwardedFrom(options, configuration));
        if (PublicAddress.Error(configuration, environment) is { } error)
            throw new StartupRefusedException(error);
        services.Configure<HostFilteringOptions>(options => options.AllowedHosts = AllowedHosts(configuration));
        services.AddSingleton<OwnAddress>();
        services.AddSingleton<PublicAddress>();
        services.AddRateLimits(configuration);
        return services;
    }

    /// <summary>
    /// Forwarded headers are believed only from the proxies and networks the configuration names: none by default, not
    /// even loopback, since anyone else could claim any address or scheme. The host is never taken from them. With no
    /// proxy named they are not read at all: the middleware trusts every sender when both of its lists are empty.
    /// </summary>
    private static void ForwardedFrom(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list of networks still holds loopback by default and is still believed.
        options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                : throw new StartupRefusedException($"ForwardedHeaders:KnownProxies '{proxy}' is not an IP address."));
        foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                : throw new StartupRefusedException($"ForwardedHeaders:KnownNetworks '{network}' is not a network such as 10.0.0.0/24."));
        options.ForwardedHeaders = options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0
            ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
            : ForwardedHeaders.None;
    }

    /// <summary>
    /// The Host headers answered: <c>AllowedHosts</c> when it names hosts, otherwise the public address's host and the
    /// loopback names (for health checks on the machine itself). Any other Host gets 400 before anything is rendered.
    /// </summary>
    private static List<string> AllowedHosts(IConfiguration configuration)
    {
        var configured = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Length > 0)
            return [.. configured];
        List<string> hosts = ["localhost", "127.0.0.1", "[::1]"];
        if (PublicAddress.Configured(configuration) is { } uri)
            hosts.Add(uri.Host);
        return hosts;
    }

    public static WebApplication UseHosting(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        return app;
    }

    /// <summary>One line at start-up: which environment, which database, and what each provider module says of itself (its hosts, its sandbox).</summary>
    public static void LogStartup(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BackOffice.Web.Startup");
        var providers = string.Join("; ", app.Services.GetServices<StartupFact>().Select(f => f.Describe(app.Services)));
        LogStarted(logger, app.Environment.EnvironmentName, DataSetup.Describe(app.Configuration), providers);
    }

    private static void Headers(Microsoft.AspNetCore.Builder.HeaderPolicyCollection headers, IHostEnvironment environment, bool dashboard)
    {
        headers
            .AddFrameOptionsDeny()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(policy => policy.SameOrigin())
            .AddPermissionsPolicy(policy =>
            {
                policy.AddCamera().None();
                policy.AddMicrophone().None();
                policy.AddGeolocation().None();
                policy.AddPayment().None();
                policy.AddUsb().None();
            })
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                // Blazor Server needs no eval; the Hangfire dashboard (administrators only) has inline scripts.
                var scripts = csp.AddScriptSrc().Self();
                if (dashboard)
                    scripts.UnsafeInline();
                // MudBlazor positions popovers and sets colours with style attributes.
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
            });
        if (!environment.IsDevelopment())
            headers.AddStrictTransportSecurityMaxAgeIncludeSubDomains(OneYear);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Klarna Back Office starting: environment {Environment}, database {Database}; {Providers}")]
    private static partial void LogStarted(ILogger logger, string environment, string database, string providers);
}

/// <summary>What a module says of itself in the start-up line, e.g. the hosts it calls and whether its sandbox is mounted.</summary>
public sealed record StartupFact(Func<IServiceProvider, string> Describe);
