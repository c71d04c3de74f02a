using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>One period's charge as the provider is asked for it, under the charge's idempotency key.</summary>
public sealed record TokenCharge(
    int ChannelId, string CustomerToken, string OrderNumber, string PlanName, long Amount, string Currency, string Country, decimal VatPercent,
    BillingInterval Interval, int IntervalCount, string IdempotencyKey);

/// <summary>What became of a charge: booked (the transaction and its capture, captured at once), refused with the provider's code, or not known.</summary>
public abstract record TokenChargeOutcome
{
    public sealed record Charged(string ProviderOrderId, Transaction Transaction, Invoice Capture) : TokenChargeOutcome;

    public sealed record Refused(ChargeRefusal Refusal, string Code, string Problem) : TokenChargeOutcome;

    /// <summary>Not sent, or sent with its answer lost: the same key asks again.</summary>
    public sealed record NotKnown(string Problem) : TokenChargeOutcome;
}

/// <summary>The seam a provider module fills for subscriptions: charging a customer token.</summary>
public interface ISubscriptionPayments
{
    Task<TokenChargeOutcome> ChargeAsync(TokenCharge charge, CancellationToken cancellationToken);
}
