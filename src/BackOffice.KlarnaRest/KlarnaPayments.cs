namespace BackOffice.KlarnaRest;

/// <summary>What a payment session is for: one purchase, a customer token, or both.</summary>
public static class KlarnaIntent
{
    public const string Buy = "buy";
    public const string Tokenize = "tokenize";
    public const string BuyAndTokenize = "buy_and_tokenize";
}

public sealed record KlarnaMerchantUrls
{
    public string? Confirmation { get; init; }
    public string? Notification { get; init; }
    public string? Authorization { get; init; }
    public string? Push { get; init; }
}

/// <summary>
/// A cart as the Payments API takes it, for a session (<c>POST /payments/v1/sessions</c>) and again, unchanged, for the
/// order placed from its authorization (<c>POST /payments/v1/authorizations/{token}/order</c>).
/// </summary>
public sealed record KlarnaPurchase
{
    /// <summary>"ECOMMERCE" (the default), "IN_STORE" or "TELESALES".</summary>
    public string? AcquiringChannel { get; init; }

    public required string PurchaseCountry { get; init; }
    public required string PurchaseCurrency { get; init; }
    public string? Locale { get; init; }
    public required long OrderAmount { get; init; }
    public long? OrderTaxAmount { get; init; }
    public required IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; }
    public string? Intent { get; init; }
    public string? MerchantReference1 { get; init; }
    public string? MerchantReference2 { get; init; }
    public KlarnaMerchantUrls? MerchantUrls { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public bool? AutoCapture { get; init; }
}

public sealed record KlarnaAssetUrls(string? Descriptive, string? Standard);

public sealed record KlarnaPaymentMethodCategory(string Identifier, string? Name, KlarnaAssetUrls? AssetUrls);

/// <summary>A session the shop's page loads Klarna's widget with (<c>client_token</c>, a JWT).</summary>
public sealed record KlarnaSession(string SessionId, string ClientToken, IReadOnlyList<KlarnaPaymentMethodCategory> PaymentMethodCategories);

/// <summary>The order placed from an authorization: the Order Management order's id and Klarna's fraud decision.</summary>
public sealed record KlarnaPlacedOrder(string OrderId, string? RedirectUrl, string? FraudStatus, KlarnaPaymentMethod? AuthorizedPaymentMethod);
