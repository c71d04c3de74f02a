using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackOffice.Sandbox.Kit;

namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>
/// Klarna's Merchant Card Service: enrolled merchant keys, promises, settlements that issue virtual cards for an Order
/// Management order, encrypted as Klarna does for the key the caller names, and cancel requests Klarna decides later.
/// The card numbers are the sandbox's own choice, readable only through the control API. As the cards' issuer it
/// answers a sandbox acquirer in the same process: a card takes charges up to its amount, in its currency.
/// </summary>
public sealed class SandboxCardIssuer(KlarnaRestSandbox orders, TimeProvider time) : ICardIssuer
{
    private static readonly string[] SettleableStates = [KlarnaOrderStatus.Authorized, KlarnaOrderStatus.PartCaptured, KlarnaOrderStatus.Captured];

    private readonly Lock gate = new();
    private readonly Dictionary<string, string> keys = [];
    private readonly Dictionary<string, SandboxPromise> promises = [];
    private readonly Dictionary<string, SandboxCardSettlement> settlements = [];
    private readonly Dictionary<string, KlarnaCardCancelRequest> cancels = [];
    private readonly List<SandboxCard> cards = [];
    private readonly Dictionary<string, long> authorized = [];

    /// <summary>Every card issued, with its number: what the issuer knows and a back office must not keep.</summary>
    public IReadOnlyList<SandboxCard> Cards
    {
        get
        {
            lock (gate)
                return [.. cards];
        }
    }

    /// <summary>Stands in for Klarna's enrolment with its support: takes the public key as a JWK and answers its <c>key_id</c>.</summary>
    public string? Enrol(string jwk, out string? error)
    {
        using var key = KlarnaJwk.Read(jwk, out error);
        if (key is null)
            return null;
        var keyId = Guid.NewGuid().ToString();
        lock (gate)
            keys[keyId] = jwk;
        return keyId;
    }

    public SandboxReply CreatePromise(KlarnaRestSandboxMerchant merchant, KlarnaCardPromiseRequest request)
    {
        if (request.OrderId is null || orders.OrderOf(merchant, request.OrderId) is not { } order)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: order_id");
        if (request.Cards is not { Count: >= 1 and <= 1000 } specifications)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: cards (1 to 1000)");
        if (specifications.FirstOrDefault(c => c.Amount < 1 || c.Reference is not { Length: >= 1 and <= 255 } || c.Currency != order.PurchaseCurrency) is { } bad)
            return SandboxReply.Error(400, "BAD_VALUE", $"Bad value: cards (amount at least 1, reference of 1 to 255 characters, currency {order.PurchaseCurrency}): {bad.Reference}");
        if (specifications.Sum(c => c.Amount) > order.OrderAmount - order.RefundedAmount)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: cards (their amounts exceed the order's)");
        var promise = new SandboxPromise(Guid.NewGuid().ToString(), request.OrderId, [.. specifications], time.GetUtcNow().AddHours(24));
        lock (gate)
        {
            foreach (var older in promises.Values.Where(p => p.OrderId == request.OrderId && !p.Void).ToList())
                promises[older.Id] = older with { Void = true };
            promises[promise.Id] = promise;
        }
        return new SandboxReply(201, new KlarnaCardPromise(promise.Id, promise.ExpiresAt));
    }

    /// <summary>Issues the order's cards once; asked again, it answers the same settlement with its cards encrypted anew.</summary>
    public SandboxReply CreateSettlement(KlarnaRestSandboxMerchant merchant, KlarnaCardSettlementRequest request)
    {
        if (request.OrderId is null || orders.OrderOf(merchant, request.OrderId) is not { } order)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: order_id");
        lock (gate)
        {
            if (request.KeyId is null || !keys.ContainsKey(request.KeyId))
                return SandboxReply.Error(403, "NOT_ALLOWED", "Unknown key_id");
            if (settlements.TryGetValue(request.OrderId, out var existing))
                return new SandboxReply(201, View(existing, request.KeyId));
            if (!SettleableStates.Contains(order.Status) || order.FraudStatus != KlarnaFraudStatus.Accepted)
                return SandboxReply.Error(400, "BAD_VALUE", $"Order {order.OrderId} is {order.Status} and cannot be settled");
            IReadOnlyList<KlarnaCardSpecification> specifications = [new(order.OrderAmount - order.RefundedAmount, order.PurchaseCurrency, order.OrderId)];
            if (request.PromiseId is { } promiseId)
            {
                if (!promises.TryGetValue(promiseId, out var promise) || promise.OrderId != order.OrderId || promise.Void || promise.ExpiresAt <= time.GetUtcNow())
                    return SandboxReply.Error(400, "BAD_VALUE", "Bad value: promise_id (unknown, expired or replaced)");
                specifications = promise.Cards;
            }
            var now = time.GetUtcNow();
            var holder = $"{order.BillingAddress?.GivenName} {order.BillingAddress?.FamilyName}".Trim() is { Length: > 0 } name ? name : "Klarna Card";
            var settlementId = Guid.NewGuid().ToString();
            List<SandboxCard> issued = [.. specifications.Select(s => Issue(settlementId, order.OrderId, s, holder, now))];
            var settlement = new SandboxCardSettlement(settlementId, request.PromiseId, order.OrderId, now, now.AddHours(24), issued);
            settlements[order.OrderId] = settlement;
            cards.AddRange(issued);
            return new SandboxReply(201, View(settlement, request.KeyId));
        }
    }

    public SandboxReply GetSettlement(KlarnaRestSandboxMerchant merchant, string settlementId, string? keyId) =>
        Read(merchant, keyId, () => settlements.Values.FirstOrDefault(s => s.Id == settlementId));

    public SandboxReply GetSettlementByOrder(KlarnaRestSandboxMerchant merchant, string orderId, string? keyId) =>
        Read(merchant, keyId, () => settlements.GetValueOrDefault(orderId));

    public SandboxReply RequestCancel(KlarnaRestSandboxMerchant merchant, string orderId)
    {
        if (orders.OrderOf(merchant, orderId) is null)
            return NoSettlement();
        lock (gate)
        {
            if (!settlements.ContainsKey(orderId))
                return NoSettlement();
            if (cancels.TryGetValue(orderId, out var asked))
                return new SandboxReply(asked.Status == KlarnaCardCancelStatus.Cancelled ? 200 : 202, asked);
            var pending = new KlarnaCardCancelRequest(KlarnaCardCancelStatus.Pending, time.GetUtcNow().AddHours(1));
            cancels[orderId] = pending;
            return new SandboxReply(202, pending);
        }
    }

    public SandboxReply GetCancel(KlarnaRestSandboxMerchant merchant, string orderId)
    {
        if (orders.OrderOf(merchant, orderId) is null)
            return NoSettlement();
        lock (gate)
        {
            if (!settlements.ContainsKey(orderId))
                return NoSettlement();
            return cancels.TryGetValue(orderId, out var asked) ? SandboxReply.Ok(asked)
                : new SandboxReply(400, new KlarnaCardCancelRequest(KlarnaCardCancelStatus.NoRequestFound, null, "NO_REQUEST_FOUND", "No cancellation request found for this order."));
        }
    }

    /// <summary>Klarna's later decision on a pending cancel request: CANCELLED, or REJECTED because a card is in use.</summary>
    public bool Decide(string orderId, bool cancel)
    {
        lock (gate)
        {
            if (!cancels.TryGetValue(orderId, out var asked) || asked.Status != KlarnaCardCancelStatus.Pending)
                return false;
            cancels[orderId] = cancel ? new KlarnaCardCancelRequest(KlarnaCardCancelStatus.Cancelled)
                : new KlarnaCardCancelRequest(KlarnaCardCancelStatus.Rejected, null, "CARD_IN_USE", "Cancellation request was rejected because the virtual credit card linked to this order is in use.");
            return true;
        }
    }

    public IssuerDecision? Authorize(string number, int expiryMonth, int expiryYear, string securityCode, long amount, string currency)
    {
        lock (gate)
        {
            if (cards.FirstOrDefault(c => c.Pan == number) is not { } card)
                return null;
            var used = authorized.GetValueOrDefault(card.CardId);
            var declined = card.ExpiryDate != $"{expiryMonth:00}/{expiryYear % 100:00}" ? "invalid_expiry"
                : card.Cvv != securityCode ? "incorrect_cvc"
                : card.Currency != currency ? "currency_not_supported"
                : cancels.GetValueOrDefault(card.OrderId)?.Status == KlarnaCardCancelStatus.Cancelled ? "card_cancelled"
                : used + amount > card.Amount ? "insufficient_funds"
                : null;
            if (declined is not null)
                return new IssuerDecision(declined);
            authorized[card.CardId] = used + amount;
            return IssuerDecision.Approved;
        }
    }

    public void Reverse(string number, long amount)
    {
        lock (gate)
        {
            if (cards.FirstOrDefault(c => c.Pan == number) is { } card)
                authorized[card.CardId] = Math.Max(0, authorized.GetValueOrDefault(card.CardId) - amount);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            authorized.Clear();
            keys.Clear();
            promises.Clear();
            settlements.Clear();
            cancels.Clear();
            cards.Clear();
        }
    }

    private SandboxReply Read(KlarnaRestSandboxMerchant merchant, string? keyId, Func<SandboxCardSettlement?> find)
    {
        if (string.IsNullOrEmpty(keyId))
            return SandboxReply.Error(400, "BAD_VALUE", "Missing header: KeyId");
        lock (gate)
        {
            if (!keys.ContainsKey(keyId))
                return SandboxReply.Error(403, "NOT_ALLOWED", "Unknown KeyId");
            return find() is { } settlement && orders.OrderOf(merchant, settlement.OrderId) is not null
                ? SandboxReply.Ok(View(settlement, keyId))
                : SandboxReply.Error(404, "NOT_FOUND", "Settlement not found");
        }
    }

    private static SandboxReply NoSettlement() =>
        SandboxReply.Error(404, "NOT_FOUND", "Order does not exist or does not have an associated Virtual Credit Card Settlement.");

    /// <summary>A Visa number with a valid check digit, a security code and an expiry three years ahead.</summary>
    private static SandboxCard Issue(string settlementId, string orderId, KlarnaCardSpecification specification, string holder, DateTimeOffset now)
    {
        var digits = "4" + RandomNumberGenerator.GetString("0123456789", 14);
        var expiry = now.AddYears(3);
        return new SandboxCard(Guid.NewGuid().ToString(), orderId, settlementId, specification.Reference, specification.Amount, specification.Currency,
            digits + Luhn.CheckDigit(digits), $"{expiry.Month:00}/{expiry.Year % 100:00}", RandomNumberGenerator.GetString("0123456789", 3), "VISA", holder);
    }

    private KlarnaCardSettlement View(SandboxCardSettlement settlement, string keyId)
    {
        using var key = KlarnaJwk.Read(keys[keyId], out _)!;
        return new KlarnaCardSettlement
        {
            SettlementId = settlement.Id, PromiseId = settlement.PromiseId, OrderId = settlement.OrderId, CreatedAt = settlement.CreatedAt, ExpiresAt = settlement.ExpiresAt,
            Cards = [.. settlement.Cards.Select(card =>
            {
                var (aesKey, iv, pciData) = KlarnaCardCrypto.Encrypt(
                    Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { pan = card.Pan, expiry_date = card.ExpiryDate, cvv = card.Cvv })), key);
                return new KlarnaVirtualCard
                {
                    Reference = card.Reference, CardId = card.CardId, Amount = card.Amount, Currency = card.Currency, PciData = pciData, Iv = iv, AesKey = aesKey,
                    Brand = card.Brand, Holder = card.Holder,
                };
            })],
        };
    }

    private sealed record SandboxPromise(string Id, string OrderId, IReadOnlyList<KlarnaCardSpecification> Cards, DateTimeOffset ExpiresAt, bool Void = false);

    private sealed record SandboxCardSettlement(string Id, string? PromiseId, string OrderId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<SandboxCard> Cards);
}

/// <summary>A card the sandbox issued, in the clear: for the control API and the card acquirer's issuer check only.</summary>
public sealed record SandboxCard(string CardId, string OrderId, string SettlementId, string Reference, long Amount, string Currency,
    string Pan, string ExpiryDate, string Cvv, string Brand, string Holder);
