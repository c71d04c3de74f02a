using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// A shop's webhook endpoint on a real loopback port, written as a shop would from the README: every request is kept
/// with what it answered; it answers 500 while told to fail, else 200. <see cref="Verifies"/> checks a signature by
/// the documented recipe, without the app's code.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Received> received = new();
    private int failuresLeft;
    private volatile bool failing;

    public sealed record Received(string Path, string EventId, string Type, string Signature, string Body, int Answered)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private WebhookReceiver(WebApplication app) => this.app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/hooks/{name}", async (HttpContext context, string name) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var answer = receiver.failing || Interlocked.Decrement(ref receiver.failuresLeft) >= 0 ? 500 : 200;
            receiver.received.Enqueue(new Received(name, context.Request.Headers["BackOffice-Event-Id"].ToString(), context.Request.Headers["BackOffice-Event-Type"].ToString(),
                context.Request.Headers["BackOffice-Signature"].ToString(), body, answer));
            return Results.StatusCode(answer);
        });
        await receiver.app.StartAsync();
        return receiver;
    }

    public string Address(string name) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hooks/" + name;

    /// <summary>Answers 500 to the next <paramref name="count"/> requests.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    /// <summary>Answers 500 to everything until <see cref="Recover"/>.</summary>
    public void Fail() => failing = true;

    public void Recover() => (failing, failuresLeft) = (false, 0);

    public IReadOnlyList<Received> All => [.. received];

    public IReadOnlyList<Received> Accepted => [.. received.Where(r => r.Answered == 200)];

    /// <summary>Waits until <paramref name="done"/> holds of what arrived, at most a minute.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<Received>, bool> done)
    {
        for (var until = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < until; await Task.Delay(50))
        {
            if (done(All))
                return;
        }
        throw new TimeoutException($"The endpoint got {received.Count} requests: {string.Join(", ", received.Select(r => $"{r.Type} {r.Answered}"))}.");
    }

    /// <summary>The README's recipe: HMAC-SHA256 of "{t}.{body}" with the secret, hex, one of the v1 values, t within five minutes.</summary>
    public static bool Verifies(string header, string secret, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var timestamp = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
            return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
