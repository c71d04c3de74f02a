namespace BackOffice.KlarnaRest;

/// <summary>
/// One line of an order, a capture or a refund, in Klarna's shape: amounts in minor units including tax,
/// <c>tax_rate</c> with two implied decimals, <c>total_amount = quantity × unit_price − total_discount_amount</c>.
/// </summary>
public sealed record KlarnaOrderLine(
    string Name,
    long Quantity,
    long UnitPrice,
    long TotalAmount,
    string? Reference = null,
    string? Type = null,
    string? QuantityUnit = null,
    int? TaxRate = null,
    long? TotalTaxAmount = null,
    long? TotalDiscountAmount = null,
    string? MerchantData = null,
    string? ProductUrl = null,
    string? ImageUrl = null,
    KlarnaSubscription? Subscription = null);

public sealed record KlarnaAddress
{
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public string? Title { get; init; }
    public string? StreetAddress { get; init; }
    public string? StreetAddress2 { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public string? Country { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? OrganizationName { get; init; }
}

/// <summary>How a capture was shipped: carrier (as specific as "DHL US"), method, tracking and return tracking.</summary>
public sealed record KlarnaShippingInfo
{
    public string? ShippingCompany { get; init; }
    public string? ShippingMethod { get; init; }
    public string? TrackingNumber { get; init; }
    public string? TrackingUri { get; init; }
    public string? ReturnShippingCompany { get; init; }
    public string? ReturnTrackingNumber { get; init; }
    public string? ReturnTrackingUri { get; init; }
}

/// <summary>The order's states in Order Management; Klarna may answer others, which are kept as they come.</summary>
public static class KlarnaOrderStatus
{
    public const string Authorized = "AUTHORIZED";
    public const string PartCaptured = "PART_CAPTURED";
    public const string Captured = "CAPTURED";
    public const string Cancelled = "CANCELLED";
    public const string Expired = "EXPIRED";
    public const string Closed = "CLOSED";
}

/// <summary>Klarna's fraud decision on an order; <c>PENDING</c> until its review ends.</summary>
public static class KlarnaFraudStatus
{
    public const string Accepted = "ACCEPTED";
    public const string Pending = "PENDING";
    public const string Rejected = "REJECTED";
    public const string Stopped = "STOPPED";
}

/// <summary>An order as Order Management shows it (<c>GET /ordermanagement/v1/orders/{order_id}</c>).</summary>
public sealed record KlarnaOrder
{
    public string OrderId { get; init; } = "";
    public string Status { get; init; } = "";
    public string? FraudStatus { get; init; }
    public long OrderAmount { get; init; }
    public long OriginalOrderAmount { get; init; }
    public long CapturedAmount { get; init; }
    public long RefundedAmount { get; init; }
    public long RemainingAuthorizedAmount { get; init; }
    public string PurchaseCurrency { get; init; } = "";
    public string PurchaseCountry { get; init; } = "";
    public string? Locale { get; init; }
    public IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; } = [];
    public string? MerchantReference1 { get; init; }
    public string? MerchantReference2 { get; init; }
    public string? KlarnaReference { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public KlarnaCustomer? Customer { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyList<KlarnaCapture> Captures { get; init; } = [];
    public IReadOnlyList<KlarnaRefund> Refunds { get; init; } = [];
    public KlarnaPaymentMethod? InitialPaymentMethod { get; init; }
}

public sealed record KlarnaCapture
{
    public string CaptureId { get; init; } = "";
    public string? Reference { get; init; }
    public string? KlarnaReference { get; init; }
    public long CapturedAmount { get; init; }
    public DateTimeOffset CapturedAt { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; } = [];
    public long RefundedAmount { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public IReadOnlyList<KlarnaShippingInfo> ShippingInfo { get; init; } = [];
}

public sealed record KlarnaRefund
{
    public string RefundId { get; init; } = "";
    public long RefundedAmount { get; init; }
    public DateTimeOffset RefundedAt { get; init; }
    public string? Description { get; init; }
    public string? Reference { get; init; }
    public IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; } = [];
}

/// <summary>How the customer pays: Klarna writes it as an object (<c>type</c>, …) or, in places, as the bare type.</summary>
public sealed record KlarnaPaymentMethod(string Type, string? Description = null, int? NumberOfInstallments = null, int? NumberOfDays = null);

/// <summary>A capture (<c>POST …/captures</c>): <c>reference</c> reaches the settlement files, <c>description</c> the customer.</summary>
public sealed record KlarnaCaptureRequest(
    long CapturedAmount,
    string? Reference = null,
    string? Description = null,
    IReadOnlyList<KlarnaOrderLine>? OrderLines = null,
    IReadOnlyList<KlarnaShippingInfo>? ShippingInfo = null);

/// <summary>A refund (<c>POST …/refunds</c>); its lines let Klarna put it on the right capture.</summary>
public sealed record KlarnaRefundRequest(
    long RefundedAmount,
    string? Reference = null,
    string? Description = null,
    IReadOnlyList<KlarnaOrderLine>? OrderLines = null);

/// <summary>The order's new amount and lines before it is fully captured; lines not sent are deleted.</summary>
public sealed record KlarnaAuthorizationUpdate(long OrderAmount, IReadOnlyList<KlarnaOrderLine>? OrderLines = null, string? Description = null);

public sealed record KlarnaCustomerDetailsUpdate(KlarnaAddress? ShippingAddress = null, KlarnaAddress? BillingAddress = null);

public sealed record KlarnaMerchantReferences(string? MerchantReference1 = null, string? MerchantReference2 = null);
