using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>
/// What a purchase asks the provider to authorize: the first period's price (nothing for a trial, which only saves the
/// payment method), in the plan's currency and country, as a recurring line.
/// </summary>
public sealed record SubscriptionCart(
    int ChannelId, string PlanName, long Amount, string Currency, string Country, string? Locale, decimal VatPercent, BillingInterval Interval, int IntervalCount,
    string? ConfirmationUrl)
{
    public bool TokenizeOnly => Amount == 0;
}

/// <summary>The provider's session the shop's page loads its widget with.</summary>
public sealed record OpenedSession(string ProviderSessionId, string ClientToken, IReadOnlyList<string> PaymentMethodCategories);

/// <summary>What the provider knows of the customer after a purchase or a charge; any part may be missing.</summary>
public sealed record BilledCustomer(string? FirstName, string? LastName, DateOnly? BirthDate, string? PersonalNumber, string? MobilePhone,
    TransactionAddress? Billing, TransactionAddress? Delivery);

/// <summary>One period's charge as the provider is asked for it, under the charge's idempotency key.</summary>
public sealed record TokenCharge(
    int ChannelId, string CustomerToken, string OrderNumber, string PlanName, long Amount, string Currency, string Country, decimal VatPercent,
    BillingInterval Interval, int IntervalCount, string IdempotencyKey);

/// <summary>What became of a charge: booked (the transaction and its capture, captured at once), refused with the provider's code, or not known.</summary>
public abstract record TokenChargeOutcome
{
    public sealed record Charged(string ProviderOrderId, Transaction Transaction, Invoice Capture, BilledCustomer? Customer = null, string? RedirectUrl = null) : TokenChargeOutcome;

    public sealed record Refused(ChargeRefusal Refusal, string Code, string Problem) : TokenChargeOutcome;

    /// <summary>Not sent, or sent with its answer lost: the same key asks again.</summary>
    public sealed record NotKnown(string Problem) : TokenChargeOutcome;
}

/// <summary>What became of saving the customer's payment method as a token.</summary>
public abstract record TokenizeOutcome
{
    public sealed record Made(string CustomerToken, string? RedirectUrl, BilledCustomer Customer) : TokenizeOutcome;

    public sealed record Refused(string Code, string Problem) : TokenizeOutcome;

    /// <summary>The answer did not arrive; the same authorization asked again answers the same token.</summary>
    public sealed record NotKnown(string Problem) : TokenizeOutcome;
}

/// <summary>The seam a provider module fills for subscriptions: the purchase session, the token, the first and every later charge.</summary>
public interface ISubscriptionPayments
{
    /// <summary>Opens the provider's session for a purchase; a refusal or an unreachable provider is a <see cref="BusinessRuleException"/>.</summary>
    Task<OpenedSession> OpenSessionAsync(SubscriptionCart cart, CancellationToken cancellationToken);

    Task<TokenizeOutcome> TokenizeAsync(SubscriptionCart cart, string authorizationToken, CancellationToken cancellationToken);

    /// <summary>The first period, charged from the customer's authorization and captured at once.</summary>
    Task<TokenChargeOutcome> FirstChargeAsync(SubscriptionCart cart, string authorizationToken, string orderNumber, CancellationToken cancellationToken);

    Task<TokenChargeOutcome> ChargeAsync(TokenCharge charge, CancellationToken cancellationToken);

    /// <summary>
    /// How long the provider answers a charge's key with its first outcome. An open charge first sent longer ago is not
    /// sent again (it could be charged twice); an operator settles it from what the provider holds.
    /// </summary>
    TimeSpan KeyLifetime { get; }

    /// <summary>
    /// The order an operator found at the provider for an open charge, booked as its payment; a
    /// <see cref="BusinessRuleException"/> when the provider has no such order or it is not this charge's.
    /// </summary>
    Task<TokenChargeOutcome.Charged> FoundChargeAsync(TokenCharge charge, string providerOrderId, CancellationToken cancellationToken);

    /// <summary>Ends the token at the provider, so nothing more can be charged on it; false when the provider could not be told.</summary>
    Task<bool> CancelTokenAsync(int channelId, string customerToken, CancellationToken cancellationToken);
}
