using System.ComponentModel.DataAnnotations;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>The events the shop can take; each names what happened to one payment or one subscription.</summary>
public static class WebhookEventTypes
{
    public const string Authorized = "payment.authorized";
    public const string Pending = "payment.pending";
    public const string Declined = "payment.declined";
    public const string Captured = "payment.captured";
    public const string Refunded = "payment.refunded";
    public const string Cancelled = "payment.cancelled";
    public const string Expired = "payment.expired";
    public const string OutcomeUnknown = "payment.outcome_unknown";
    public const string SubscriptionStarted = "subscription.started";
    public const string SubscriptionRenewed = "subscription.renewed";
    public const string SubscriptionPastDue = "subscription.past_due";
    public const string SubscriptionCancelled = "subscription.cancelled";
    public const string SubscriptionTerminated = "subscription.terminated";

    public static readonly IReadOnlyList<string> All =
    [
        Authorized, Pending, Declined, Captured, Refunded, Cancelled, Expired, OutcomeUnknown,
        SubscriptionStarted, SubscriptionRenewed, SubscriptionPastDue, SubscriptionCancelled, SubscriptionTerminated,
    ];
}

/// <summary>
/// An event in the outbox: written in the same database transaction as the change it tells of, so it exists exactly
/// when the change does. Its <see cref="Sequence"/> orders the events of an order.
/// </summary>
public sealed class WebhookEvent
{
    private WebhookEvent()
    {
    }

    public WebhookEvent(string eventId, int channelId, Guid? transactionId, string type, DateTimeOffset occurredAt, string body, Guid? subscriptionId = null) =>
        (EventId, ChannelId, TransactionId, SubscriptionId, Type, OccurredAt, Body) = (eventId, channelId, transactionId, subscriptionId, type, occurredAt, body);

    public long Sequence { get; private set; }
    public string EventId { get; private set; } = "";
    public int ChannelId { get; private set; }

    /// <summary>The payment it is about; a subscription's event names the subscription instead.</summary>
    public Guid? TransactionId { get; private set; }

    public Guid? SubscriptionId { get; private set; }
    public string Type { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }
    public string Body { get; private set; } = "";
}

public enum WebhookDeliveryState
{
    [Display(Name = "To be sent")]
    Pending,
    Delivered,
    [Display(Name = "Given up")]
    GaveUp,
}

/// <summary>One event on its way to one endpoint, until the endpoint answered 2xx or three days have passed.</summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery()
    {
    }

    public WebhookDelivery(Guid endpointId, WebhookEvent webhookEvent) => (EndpointId, Event, TransactionId) = (endpointId, webhookEvent, webhookEvent.TransactionId);

    public long Id { get; private set; }
    public Guid EndpointId { get; private set; }
    public long EventSequence { get; private set; }
    public WebhookEvent Event { get; private set; } = null!;

    /// <summary>The order it is about, if it is about a payment: its events go out one after the other.</summary>
    public Guid? TransactionId { get; private set; }
    public WebhookDeliveryState State { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? LastAttemptAt { get; private set; }
    public int? LastStatus { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }

    public void Record(WebhookAttempt attempt)
    {
        Attempts++;
        (LastAttemptAt, LastStatus) = (attempt.At, attempt.Status);
        if (attempt.Succeeded)
            (State, DeliveredAt) = (WebhookDeliveryState.Delivered, attempt.At);
    }

    public void GiveUp() => State = WebhookDeliveryState.GaveUp;

    /// <summary>Sent again on an administrator's word, also when it arrived or was given up.</summary>
    public void SendAgain() => (State, DeliveredAt) = (WebhookDeliveryState.Pending, null);
}

/// <summary>One try of a delivery: what the endpoint answered, and how fast.</summary>
public sealed class WebhookAttempt
{
    public const int MaxText = 500;

    private WebhookAttempt()
    {
    }

    public WebhookAttempt(long deliveryId, DateTimeOffset at, int? status, int milliseconds, string? error, string? response) =>
        (DeliveryId, At, Status, Milliseconds, Error, Response) = (deliveryId, at, status, milliseconds, Cut(error), Cut(response));

    public long Id { get; private set; }
    public long DeliveryId { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>The HTTP status it answered; null when no answer came.</summary>
    public int? Status { get; private set; }
    public int Milliseconds { get; private set; }
    public string? Error { get; private set; }
    public string? Response { get; private set; }

    public bool Succeeded => Status is >= 200 and < 300;

    private static string? Cut(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;
}

/// <summary>How the outbox and its deliveries are kept.</summary>
internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>, IEntityTypeConfiguration<WebhookDelivery>, IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> outbox)
    {
        outbox.ToTable("WebhookEvents");
        outbox.HasKey(e => e.Sequence);
        outbox.HasOne<Channel>().WithMany().HasForeignKey(e => e.ChannelId).OnDelete(DeleteBehavior.Cascade);
        outbox.HasIndex(e => e.EventId).IsUnique();
        outbox.HasIndex(e => e.OccurredAt);
        outbox.Property(e => e.EventId).HasMaxLength(40);
        outbox.Property(e => e.Type).HasMaxLength(40);
        outbox.Property(e => e.Body).HasMaxLength(4000);
    }

    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("WebhookDeliveries");
        delivery.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventSequence).OnDelete(DeleteBehavior.Cascade);
        delivery.HasIndex(d => new { d.State, d.EndpointId, d.EventSequence });
        delivery.HasIndex(d => new { d.EndpointId, d.EventSequence });
        delivery.Property(d => d.State).HasConversion<string>().HasMaxLength(20);
    }

    public void Configure(EntityTypeBuilder<WebhookAttempt> attempt)
    {
        attempt.ToTable("WebhookAttempts");
        attempt.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        attempt.HasIndex(a => new { a.DeliveryId, a.At });
        attempt.Property(a => a.Error).HasMaxLength(WebhookAttempt.MaxText);
        attempt.Property(a => a.Response).HasMaxLength(WebhookAttempt.MaxText);
        attempt.Ignore(a => a.Succeeded);
    }
}
