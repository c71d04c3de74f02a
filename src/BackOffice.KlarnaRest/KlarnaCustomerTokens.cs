namespace BackOffice.KlarnaRest;

/// <summary>A customer token's states: <c>CANCELLED</c> by the merchant for good, <c>SUSPENDED</c> by Klarna.</summary>
public static class KlarnaTokenStatus
{
    public const string Active = "ACTIVE";
    public const string Suspended = "SUSPENDED";
    public const string Cancelled = "CANCELLED";
}

/// <summary>Klarna's refusals of a charge on a customer token (Klarna spells the cancelled one with one L or two).</summary>
public static class KlarnaTokenErrors
{
    public const string TokenNotFound = "TOKEN_NOT_FOUND";
    public const string TokenSuspended = "TOKEN_SUSPENDED";
    public const string TokenCancelled = "TOKEN_CANCELLED";
    public const string TokenForbidden = "TOKEN_FORBIDDEN";
    public const string UnavailablePaymentMethod = "UNAVAILABLE_PAYMENT_METHOD";
    public const string CurrencyMismatch = "PAYMENT_METHOD_CURRENCY_MISMATCH";

    /// <summary>"You can try again for PAYMENT_METHOD_FAILED errors."</summary>
    public const string PaymentMethodFailed = "PAYMENT_METHOD_FAILED";

    public static bool IsCancelled(string errorCode) => errorCode is TokenCancelled or "TOKEN_CANCELED";
}

/// <summary>What a recurring order line says about its subscription; it must match what the customer authorized.</summary>
public sealed record KlarnaSubscription(string Name, string Interval, int IntervalCount);

/// <summary>The customer Klarna knows, as it tells the merchant after an authorization or on an order.</summary>
public sealed record KlarnaCustomer
{
    /// <summary>As Klarna writes it (<c>1979-01-01</c> on orders; the Payments docs also show <c>01.01.1979</c>).</summary>
    public string? DateOfBirth { get; init; }

    public string? NationalIdentificationNumber { get; init; }
    public string? Gender { get; init; }
    public string? Title { get; init; }
}

/// <summary>The token asked for from an authorization of a session whose intent tokenizes (<c>POST …/customer-token</c>).</summary>
public sealed record KlarnaCustomerTokenRequest
{
    public required string Description { get; init; }
    public string IntendedUse { get; init; } = "SUBSCRIPTION";
    public required string Locale { get; init; }
    public required string PurchaseCountry { get; init; }
    public required string PurchaseCurrency { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaCustomer? Customer { get; init; }
}

public sealed record KlarnaCustomerTokenCreated(string TokenId, string? RedirectUrl, string? PaymentMethodReference, KlarnaAddress? BillingAddress, KlarnaCustomer? Customer);

public sealed record KlarnaTokenCard(string Brand, string ExpiryDate, string MaskedNumber);

public sealed record KlarnaTokenDirectDebit(string MaskedNumber);

/// <summary>A customer token as Klarna shows it (<c>GET /customer-token/v1/tokens/{token}</c>).</summary>
public sealed record KlarnaCustomerToken(string PaymentMethodType, string Status, KlarnaTokenCard? Card = null, KlarnaTokenDirectDebit? DirectDebit = null);

/// <summary>An order charged on a customer token; the country comes from the token.</summary>
public sealed record KlarnaTokenOrderRequest
{
    public required long OrderAmount { get; init; }
    public required long OrderTaxAmount { get; init; }
    public required IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; }
    public required string PurchaseCurrency { get; init; }
    public string? Locale { get; init; }
    public bool? AutoCapture { get; init; }
    public string? MerchantReference1 { get; init; }
    public string? MerchantReference2 { get; init; }
    public string? MerchantData { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
}

public sealed record KlarnaTokenOrder(string OrderId, string? FraudStatus, string? RedirectUrl = null);
