using System.ComponentModel.DataAnnotations;
using BackOffice.CardAcquirer;
using BackOffice.CardAcquirer.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.Hosting;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.CardAcquiring;

/// <summary>The merchant's card acquirer (section <c>CardAcquirer</c>): its address, API key and how long a call may take.</summary>
public sealed class CardAcquirerOptions
{
    public const string Section = "CardAcquirer";

    /// <summary>The acquirer's API; unset with the acquirer sandbox mounted in the app, the sandbox.</summary>
    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The card acquirer the back office charges virtual cards through: one adapter now, the acquirer sandbox's API
/// (<see cref="SandboxCardAcquirer"/>), mounted in the app when <c>CardAcquirerSandbox:Mount</c> is true (Development).
/// </summary>
public sealed class CardAcquirers(IOptions<CardAcquirerOptions> options, IHttpClientFactory httpClients, OwnAddress ownAddress, IConfiguration configuration)
{
    public const string HttpClientName = "CardAcquirer";

    /// <summary>Whether an acquirer is set up at all: without one, no card can be charged.</summary>
    public bool IsConfigured => options.Value.ApiKey is { Length: > 0 } && (options.Value.BaseUrl is { Length: > 0 } || SandboxPath is not null);

    /// <summary>How long after a call starts it can no longer be in flight: the timeout and a margin.</summary>
    public TimeSpan InFlight => options.Value.Timeout + TimeSpan.FromSeconds(30);

    public ICardAcquirer Acquirer()
    {
        if (!IsConfigured)
            throw new BusinessRuleException("No card acquirer is set up (CardAcquirer:BaseUrl and CardAcquirer:ApiKey).");
        var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = options.Value.Timeout;
        var address = options.Value.BaseUrl is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/") : ownAddress.Of(SandboxPath!);
        return new SandboxCardAcquirer(http, address, options.Value.ApiKey!);
    }

    private string? SandboxPath => SandboxMount.PathOf(configuration, CardAcquirerSandboxOptions.Section);
}

public static class CardAcquiringSetup
{
    public static IServiceCollection AddCardAcquiring(this IServiceCollection services)
    {
        services.AddOptions<CardAcquirerOptions>().BindConfiguration(CardAcquirerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(CardAcquirers.HttpClientName);
        services.AddScoped<CardAcquirers>();
        return services.AddCardAcquirerSandbox();
    }

    public static void MapCardAcquiring(this WebApplication app)
    {
        if (SandboxMount.PathOf(app.Configuration, CardAcquirerSandboxOptions.Section) is { } path)
            app.MapCardAcquirerSandbox(path);
    }
}
