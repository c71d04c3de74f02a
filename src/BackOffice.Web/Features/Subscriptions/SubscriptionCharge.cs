using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

public enum SubscriptionChargeState
{
    /// <summary>Written before the provider is asked; still so after a crash, when the same key asks again.</summary>
    Sending,
    Charged,
    Refused,

    /// <summary>The provider's answer did not arrive: asked again with the same key, which answers the first outcome.</summary>
    Unknown,
}

/// <summary>
/// One attempt to charge one period of a subscription, journaled before the provider is asked. Its key is the
/// subscription, the period and the attempt: asked again (a second run, a restart) it reaches the provider as the same
/// charge, and a new attempt — with a new key — is made only after a refusal the provider answered.
/// </summary>
public sealed class SubscriptionCharge
{
    private SubscriptionCharge()
    {
    }

    /// <param name="attempt">One more than the period's attempts so far, settled or not.</param>
    public SubscriptionCharge(Subscription subscription, int attempt, DateTimeOffset at)
    {
        (SubscriptionId, Period, Attempt, Amount, Currency, CreatedAt) =
            (subscription.Id, subscription.NextPeriod, attempt, subscription.PriceOf(subscription.NextPeriod), subscription.Currency, at);
        IdempotencyKey = $"subscription-{SubscriptionId:N}-{Period}-{Attempt}";
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid SubscriptionId { get; private set; }
    public int Period { get; private set; }
    public int Attempt { get; private set; }
    public long Amount { get; private set; }
    public string Currency { get; private set; } = "";
    public string IdempotencyKey { get; private set; } = "";
    public SubscriptionChargeState State { get; private set; }
    public string? ProviderOrderId { get; private set; }
    public Guid? TransactionId { get; private set; }
    public string? RefusalCode { get; private set; }
    public string? Problem { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SettledAt { get; private set; }
    public int Version { get; private set; }

    /// <summary>The first period, paid in the purchase itself from the customer's authorization.</summary>
    public static SubscriptionCharge PaidAtPurchase(Subscription subscription, string providerOrderId, Transaction transaction, DateTimeOffset at)
    {
        var charge = new SubscriptionCharge
        {
            SubscriptionId = subscription.Id, Period = 0, Attempt = 1, Amount = subscription.PriceOf(0), Currency = subscription.Currency, CreatedAt = at,
            IdempotencyKey = $"subscription-{subscription.Id:N}-0-1",
        };
        charge.Charged(providerOrderId, transaction, at);
        return charge;
    }

    public bool IsOpen => State is SubscriptionChargeState.Sending or SubscriptionChargeState.Unknown;

    /// <summary>The order number the period's transaction is booked under.</summary>
    public string OrderNumber => NumberOf(SubscriptionId, Period);

    public static string NumberOf(Guid subscriptionId, int period) => $"SUB-{subscriptionId:N}-{period + 1}";

    public void Charged(string providerOrderId, Transaction transaction, DateTimeOffset at)
    {
        Open();
        (State, ProviderOrderId, TransactionId, SettledAt, Problem) = (SubscriptionChargeState.Charged, providerOrderId, transaction.Id, at, null);
        Version++;
    }

    public void Refused(string code, string problem, DateTimeOffset at)
    {
        Open();
        (State, RefusalCode, Problem, SettledAt) = (SubscriptionChargeState.Refused, code, Shortened(problem), at);
        Version++;
    }

    /// <summary>An operator found no order at the provider for a charge whose key it no longer answers: the period is asked again under a new key.</summary>
    public void NotPlaced(DateTimeOffset at)
    {
        Open();
        (State, RefusalCode, Problem, SettledAt) = (SubscriptionChargeState.Refused, NotPlacedCode, "No order was placed at the payment provider.", at);
        Version++;
    }

    public const string NotPlacedCode = "NOT_PLACED";

    public void NotKnown(string problem)
    {
        Open();
        (State, Problem) = (SubscriptionChargeState.Unknown, Shortened(problem));
        Version++;
    }

    private void Open()
    {
        if (!IsOpen)
            throw new BusinessRuleException("The charge was settled already.");
    }

    private static string Shortened(string text) => text.Length > 500 ? text[..500] : text;
}

internal sealed class SubscriptionChargeConfiguration : IEntityTypeConfiguration<SubscriptionCharge>
{
    public void Configure(EntityTypeBuilder<SubscriptionCharge> charge)
    {
        charge.ToTable("SubscriptionCharges");
        charge.HasOne<Subscription>().WithMany().HasForeignKey(c => c.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        charge.HasOne<Transaction>().WithMany().HasForeignKey(c => c.TransactionId).OnDelete(DeleteBehavior.Restrict);
        charge.HasIndex(c => new { c.SubscriptionId, c.Period, c.Attempt }).IsUnique();
        charge.Property(c => c.State).HasConversion<string>().HasMaxLength(10);
        charge.Property(c => c.Currency).HasMaxLength(3);
        charge.Property(c => c.IdempotencyKey).HasMaxLength(100);
        charge.Property(c => c.ProviderOrderId).HasMaxLength(255);
        charge.Property(c => c.RefusalCode).HasMaxLength(60);
        charge.Property(c => c.Problem).HasMaxLength(500);
        charge.Property(c => c.Version).IsConcurrencyToken();
        charge.Ignore(c => c.OrderNumber);
    }
}
