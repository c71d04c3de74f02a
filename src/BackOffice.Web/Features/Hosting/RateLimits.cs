using System.Globalization;
using System.Threading.RateLimiting;

namespace BackOffice.Web.Features.Hosting;

/// <summary>Marks a page or endpoint anyone may post to without signing in; <see cref="RateLimits"/> limits it per client address.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnonymousLimitAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>What a limited endpoint answers a shop when it refuses a request with 429 (under <c>/api</c>, a JSON problem).</summary>
public sealed record RateLimitDetail(Func<HttpContext, string> Of);

/// <summary>
/// The app's one rate limiter. What anyone may send without signing in is limited per client address (the address
/// forwarded headers name only behind a configured proxy), notifications also per channel; only posts count, so the
/// forms themselves open freely. A refusal answers 429 with Retry-After. Limits per window are settings
/// (<c>RateLimits:&lt;Name&gt;:PerAddress</c>, <c>RateLimits:Notifications:PerChannel</c>).
/// </summary>
public static class RateLimits
{
    public const string SignIn = nameof(SignIn);
    public const string ForgotPassword = nameof(ForgotPassword);
    public const string SetPassword = nameof(SetPassword);
    public const string Notifications = nameof(Notifications);

    private static readonly Dictionary<string, (int PerAddress, TimeSpan Window)> Defaults = new()
    {
        [SignIn] = (30, TimeSpan.FromMinutes(1)),
        [ForgotPassword] = (5, TimeSpan.FromMinutes(15)),
        [SetPassword] = (10, TimeSpan.FromMinutes(1)),
        [Notifications] = (120, TimeSpan.FromMinutes(1)),
    };

    private const int NotificationsPerChannel = 600;

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                // A body of its own keeps the app's status-code pages from answering with a page.
                if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
                    await Results.Problem(title: "Too many requests", statusCode: StatusCodes.Status429TooManyRequests,
                        detail: context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RateLimitDetail>()?.Of(context.HttpContext)
                            ?? "Too many requests; wait as Retry-After says.").ExecuteAsync(context.HttpContext);
                else
                    await response.WriteAsync($"Too many requests from this address; try again in {seconds} seconds.", cancellationToken);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Limited(context) is { } name
                    ? RateLimitPartition.GetFixedWindowLimiter($"{name}:{context.Connection.RemoteIpAddress}", _ => Window(configuration, name, "PerAddress", Defaults[name].PerAddress))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Limited(context) == Notifications && context.GetRouteValue("channel") is string channel
                    ? RateLimitPartition.GetFixedWindowLimiter($"{Notifications}:{channel}", _ => Window(configuration, Notifications, "PerChannel", NotificationsPerChannel))
                    : RateLimitPartition.GetNoLimiter("")));
        });

    private static string? Limited(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<AnonymousLimitAttribute>() is { } limit && Defaults.ContainsKey(limit.Name)
            ? limit.Name
            : null;

    private static FixedWindowRateLimiterOptions Window(IConfiguration configuration, string name, string per, int permits) => new()
    {
        PermitLimit = Math.Max(1, configuration.GetValue($"RateLimits:{name}:{per}", permits)),
        Window = Defaults[name].Window,
        QueueLimit = 0,
    };
}
