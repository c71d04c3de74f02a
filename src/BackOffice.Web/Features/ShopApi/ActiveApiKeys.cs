using System.Data.Common;
using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>
/// The active API keys (by hash) and their channels, held in memory: a request with a wrong key costs no database
/// read, and the rate limiter can tell a known key (its own budget) from a wrong one (limited per client IP). Loaded before
/// the app answers, reloaded every 30 seconds, and at once when this instance creates or revokes a key.
/// </summary>
public sealed partial class ActiveApiKeys(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time, ILogger<ActiveApiKeys> logger) : BackgroundService
{
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(30);

    private volatile IReadOnlyDictionary<string, string> channelsByHash = new Dictionary<string, string>();

    /// <summary>The channel of an active key, or null for a wrong, revoked or missing one.</summary>
    public string? ChannelOf(string? plaintext) =>
        plaintext is { Length: > 0 } && channelsByHash.TryGetValue(ApiKey.HashOf(plaintext), out var channel) ? channel : null;

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        channelsByHash = await db.ApiKeys.Where(k => k.RevokedAt == null)
            .Join(db.Channels, k => k.ChannelId, c => c.Id, (k, c) => new { k.Hash, c.Code })
            .ToDictionaryAsync(k => k.Hash, k => k.Code, cancellationToken);
    }

    /// <summary>
    /// Loads the keys before the app answers: the server starts listening after every other hosted service has started,
    /// so a shop's first request after a start is not refused for a key that exists.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReloadEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await TryReloadAsync(stoppingToken);
    }

    private async Task TryReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReloadAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
        {
            LogReloadFailed(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the API keys: {Reason}")]
    private partial void LogReloadFailed(string reason);
}
