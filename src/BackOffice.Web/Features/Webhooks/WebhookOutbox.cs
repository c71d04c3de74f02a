using System.Globalization;
using System.Text.Json.Nodes;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>
/// Writes the events of a save into the outbox in the same save: whatever changed a transaction (an action, a
/// reconciliation, a provider's report or callback, a job) or a subscription's state, the shop hears of it exactly when
/// the change is kept, and never of one that rolled back. Only channels with endpoints get events; after the save the
/// sender is woken.
/// </summary>
public sealed class WebhookOutbox(TimeProvider time, WebhookWakeUp wakeUp) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is BackOfficeDbContext db)
            await CollectAsync(db, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is BackOfficeDbContext db)
            CollectAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        WakeIfSent(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WakeIfSent(eventData.Context);
        return result;
    }

    private void WakeIfSent(DbContext? context)
    {
        if (context is BackOfficeDbContext db && db.ChangeTracker.Entries<WebhookDelivery>().Any())
            wakeUp.Wake();
    }

    private async Task CollectAsync(BackOfficeDbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        // A save tried again on the same context already holds its events.
        if (db.ChangeTracker.Entries<WebhookEvent>().Any(e => e.State == EntityState.Added))
            return;
        var happened = new List<Happening>();
        foreach (var entry in db.ChangeTracker.Entries<Transaction>().Where(e => e.State is EntityState.Added or EntityState.Modified))
            happened.AddRange(Happenings(entry));
        foreach (var entry in db.ChangeTracker.Entries<Operation>().Where(e => e.State == EntityState.Modified
            && e.Entity.State == OperationState.Unknown && e.Property(o => o.State).OriginalValue == OperationState.Requested))
        {
            var operation = entry.Entity;
            var transaction = db.Transactions.Local.FirstOrDefault(t => t.Id == operation.TransactionId)
                ?? await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == operation.TransactionId, cancellationToken);
            happened.Add(new Happening(transaction, WebhookEventTypes.OutcomeUnknown, operation.Amount ?? 0, operation.Kind.ToString()));
        }
        var subscriptionChanges = db.ChangeTracker.Entries<Subscription>().Where(e => e.State is EntityState.Added or EntityState.Modified)
            .SelectMany(SubscriptionHappenings).ToList();
        if (happened.Count == 0 && subscriptionChanges.Count == 0)
            return;

        var channelIds = happened.Select(h => h.Transaction.ChannelId).Concat(subscriptionChanges.Select(h => h.Subscription.ChannelId)).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => channelIds.Contains(e.ChannelId))
            .Select(e => new { e.Id, e.ChannelId, e.Events }).ToListAsync(cancellationToken);
        happened.RemoveAll(h => !endpoints.Any(e => e.ChannelId == h.Transaction.ChannelId && e.Events.Split(' ').Contains(h.Type)));
        subscriptionChanges.RemoveAll(h => !endpoints.Any(e => e.ChannelId == h.Subscription.ChannelId && e.Events.Split(' ').Contains(h.Type)));
        if (happened.Count == 0 && subscriptionChanges.Count == 0)
            return;
        var codes = await db.Channels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Code, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var happening in happened)
        {
            var transaction = happening.Transaction;
            var eventId = "evt_" + Guid.NewGuid().ToString("N");
            var outboxEvent = new WebhookEvent(eventId, transaction.ChannelId, transaction.Id, happening.Type, now, Body(eventId, happening, codes[transaction.ChannelId], now));
            db.WebhookEvents.Add(outboxEvent);
            foreach (var endpoint in endpoints.Where(e => e.ChannelId == transaction.ChannelId && e.Events.Split(' ').Contains(happening.Type)))
                db.WebhookDeliveries.Add(new WebhookDelivery(endpoint.Id, outboxEvent));
        }
        foreach (var change in subscriptionChanges)
        {
            var subscription = change.Subscription;
            var eventId = "evt_" + Guid.NewGuid().ToString("N");
            var outboxEvent = new WebhookEvent(eventId, subscription.ChannelId, null, change.Type, now, SubscriptionBody(eventId, change, codes[subscription.ChannelId], now), subscription.Id);
            db.WebhookEvents.Add(outboxEvent);
            foreach (var endpoint in endpoints.Where(e => e.ChannelId == subscription.ChannelId && e.Events.Split(' ').Contains(change.Type)))
                db.WebhookDeliveries.Add(new WebhookDelivery(endpoint.Id, outboxEvent));
        }
    }

    private sealed record SubscriptionHappening(Subscription Subscription, string Type);

    /// <summary>What a change of a subscription means to the shop: it started, a period was paid, it fell past due, it ended.</summary>
    private static IEnumerable<SubscriptionHappening> SubscriptionHappenings(EntityEntry<Subscription> entry)
    {
        var subscription = entry.Entity;
        if (entry.State == EntityState.Added)
        {
            yield return new SubscriptionHappening(subscription, subscription.HasEnded ? WebhookEventTypes.SubscriptionTerminated : WebhookEventTypes.SubscriptionStarted);
            yield break;
        }
        var wasState = entry.Property(s => s.State).OriginalValue;
        if (subscription.NextPeriod > entry.Property(s => s.NextPeriod).OriginalValue)
            yield return new SubscriptionHappening(subscription, WebhookEventTypes.SubscriptionRenewed);
        if (subscription.State == wasState)
            yield break;
        var type = subscription.State switch
        {
            SubscriptionState.PastDue => WebhookEventTypes.SubscriptionPastDue,
            SubscriptionState.Cancelled => WebhookEventTypes.SubscriptionCancelled,
            SubscriptionState.Terminated => WebhookEventTypes.SubscriptionTerminated,
            _ => null,
        };
        if (type is not null)
            yield return new SubscriptionHappening(subscription, type);
    }

    private static string SubscriptionBody(string eventId, SubscriptionHappening happening, string channelCode, DateTimeOffset at)
    {
        var subscription = happening.Subscription;
        static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = eventId,
            ["type"] = happening.Type,
            ["created"] = Time(at),
            ["channel"] = channelCode,
            ["subscription_id"] = subscription.Id.ToString(),
            ["account_id"] = subscription.AccountId.ToString(),
            ["state"] = subscription.State.ToString(),
            ["currency"] = subscription.Currency,
            ["paid_periods"] = subscription.NextPeriod,
            ["next_charge_at"] = Time(subscription.NextChargeAt),
            ["next_charge_amount"] = subscription.HasEnded ? null : subscription.PriceOf(subscription.NextPeriod),
            ["ended_at"] = Time(subscription.EndedAt),
            ["end_reason"] = subscription.EndReason,
        }.ToJsonString();
    }

    private sealed record Happening(Transaction Transaction, string Type, long Amount, string? Operation = null);

    /// <summary>What a change of a transaction's books means to the shop, in the order it happened.</summary>
    private static IEnumerable<Happening> Happenings(EntityEntry<Transaction> entry)
    {
        var transaction = entry.Entity;
        if (entry.State == EntityState.Added)
        {
            switch (transaction.State)
            {
                case TransactionState.Pending:
                    yield return new Happening(transaction, WebhookEventTypes.Pending, transaction.ReservedAmount);
                    break;
                case TransactionState.Denied:
                    yield return new Happening(transaction, WebhookEventTypes.Declined, transaction.AuthorizedAmount);
                    break;
                default:
                    yield return new Happening(transaction, WebhookEventTypes.Authorized, transaction.AuthorizedAmount);
                    break;
            }
            if (transaction.CapturedAmount > 0)
                yield return new Happening(transaction, WebhookEventTypes.Captured, transaction.CapturedAmount);
            yield break;
        }

        var wasState = entry.Property(t => t.State).OriginalValue;
        var wasCaptured = entry.Property(t => t.CapturedAmount).OriginalValue;
        var wasRefunded = entry.Property(t => t.RefundedAmount).OriginalValue;
        var wasHolding = wasState is TransactionState.Authorized or TransactionState.PartCaptured or TransactionState.Pending;
        var wasRemaining = wasHolding ? entry.Property(t => t.ReservedAmount).OriginalValue - wasCaptured : 0;
        var captured = transaction.CapturedAmount - wasCaptured;
        if (wasState == TransactionState.Pending && transaction.State != TransactionState.Pending)
            yield return transaction.State == TransactionState.Denied
                ? new Happening(transaction, WebhookEventTypes.Declined, transaction.AuthorizedAmount)
                : new Happening(transaction, WebhookEventTypes.Authorized, transaction.AuthorizedAmount);
        if (captured > 0)
            yield return new Happening(transaction, WebhookEventTypes.Captured, captured);
        var released = wasRemaining - Math.Max(0, captured);
        if (wasHolding && !transaction.IsOpen && transaction.State is not (TransactionState.Pending or TransactionState.Denied) && released > 0)
            yield return new Happening(transaction, transaction.RestExpired ? WebhookEventTypes.Expired : WebhookEventTypes.Cancelled, released);
        if (transaction.RefundedAmount > wasRefunded)
            yield return new Happening(transaction, WebhookEventTypes.Refunded, transaction.RefundedAmount - wasRefunded);
    }

    private static string Body(string eventId, Happening happening, string channelCode, DateTimeOffset at)
    {
        var transaction = happening.Transaction;
        var body = new JsonObject
        {
            ["id"] = eventId,
            ["type"] = happening.Type,
            ["created"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["channel"] = channelCode,
            ["order_number"] = transaction.OrderNumber,
            ["transaction_id"] = transaction.Id.ToString(),
            ["provider"] = transaction.Provider.Key,
            ["service"] = transaction.Service.ToString(),
            ["provider_reference"] = transaction.Reference,
            ["currency"] = transaction.Currency,
            ["amount"] = happening.Amount,
            ["state"] = transaction.State.ToString(),
            ["amounts"] = new JsonObject
            {
                ["authorized"] = transaction.AuthorizedAmount,
                ["captured"] = transaction.CapturedAmount,
                ["refunded"] = transaction.RefundedAmount,
                ["remaining"] = transaction.RemainingAmount,
            },
        };
        if (happening.Operation is { } operation)
            body["operation"] = operation;
        return body.ToJsonString();
    }
}
