namespace BackOffice.KlarnaRest;

/// <summary>One card to issue for an order (a promise's card): its amount in minor units and the merchant's reference.</summary>
public sealed record KlarnaCardSpecification(long Amount, string Currency, string Reference, long? FundAmount = null);

/// <summary>The cards to issue for an order (<c>POST /merchantcard/v3/promises</c>); a new promise makes the older one void.</summary>
public sealed record KlarnaCardPromiseRequest(string OrderId, IReadOnlyList<KlarnaCardSpecification> Cards);

public sealed record KlarnaCardPromise(string PromiseId, DateTimeOffset ExpiresAt);

/// <summary>Settles an order with virtual cards, encrypted for the enrolled key <see cref="KeyId"/> (<c>POST /merchantcard/v3/settlements</c>).</summary>
public sealed record KlarnaCardSettlementRequest(string OrderId, string KeyId, string? PromiseId = null);

/// <summary>One virtual card: <see cref="PciData"/> holds the card number, expiry and CVV, encrypted (<see cref="KlarnaCardCrypto"/>).</summary>
public sealed record KlarnaVirtualCard
{
    public string Reference { get; init; } = "";
    public required string CardId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public required string PciData { get; init; }
    public required string Iv { get; init; }
    public required string AesKey { get; init; }
    public string? Brand { get; init; }
    public string? Holder { get; init; }
}

public sealed record KlarnaCardSettlement
{
    public required string SettlementId { get; init; }
    public string? PromiseId { get; init; }
    public required string OrderId { get; init; }
    public IReadOnlyList<KlarnaVirtualCard> Cards { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Where a cancel request of a card-settled order stands (<c>…/orders/{order_id}/cancel-request</c>).</summary>
public sealed record KlarnaCardCancelRequest(string Status, DateTimeOffset? CheckAfter = null, string? ReasonCode = null, string? ReasonMessage = null);

public static class KlarnaCardCancelStatus
{
    public const string Pending = "PENDING";
    public const string Cancelled = "CANCELLED";
    public const string Rejected = "REJECTED";
    public const string NoRequestFound = "NO_REQUEST_FOUND";
}
