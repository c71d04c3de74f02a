using BackOffice.Web.Features.Channels;
using Hangfire;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Features.Webhooks;

internal static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.FirstRetry > TimeSpan.Zero && o.LongestWait >= o.FirstRetry && o.GiveUpAfter > TimeSpan.Zero && o.DisableAfter > TimeSpan.Zero,
                "Webhooks: Timeout, FirstRetry, GiveUpAfter and DisableAfter must be positive, LongestWait at least FirstRetry.")
            .ValidateOnStart();
        services.AddSingleton<WebhookWakeUp>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IInterceptor, WebhookOutbox>();
        services.AddScoped<WebhookSender>();
        services.AddScoped<WebhookEndpoints>();
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("KlarnaBackOffice-Webhooks/1.0"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddChannelCard<WebhooksCard>(order: 110);
        return services;
    }

    /// <summary>The minutely sweep: it delivers what a wake-up did not reach (another instance's save, a restart that forgot Hangfire's schedule).</summary>
    public static void StartWebhooks(this WebApplication app)
    {
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<WebhookSender>(WebhookSender.JobId, s => s.RunAsync(CancellationToken.None), Cron.Minutely());
        app.Services.GetRequiredService<WebhookWakeUp>().Wake();
    }
}
