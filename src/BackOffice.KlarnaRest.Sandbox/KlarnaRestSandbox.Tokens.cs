namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>
/// What the customer gives in Klarna's widget when approving: the payment method category (<c>klarna</c> unless said,
/// <c>direct_debit</c> for a trial) and, optionally, who they are, which Klarna hands the merchant on the order and the token.
/// </summary>
public sealed record AuthorizeDetails
{
    public string? PaymentMethodCategory { get; init; }
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public KlarnaCustomer? Customer { get; init; }

    /// <summary>The token's payment method type, as Klarna names it for the category chosen.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string PaymentMethodType => PaymentMethodCategory switch
    {
        "direct_debit" => "DIRECT_DEBIT",
        "pay_now" or "direct_bank_transfer" => "DIRECT_BANK_TRANSFER",
        "card" => "CARD",
        _ => "INVOICE",
    };
}

/// <summary>A customer token as the sandbox keeps it, with the control API's queue of outcomes for its next charges.</summary>
internal sealed class SandboxToken
{
    public required string Id { get; init; }
    public required KlarnaRestSandboxMerchant Merchant { get; init; }
    public required string Country { get; init; }
    public required string Currency { get; init; }
    public required string PaymentMethodType { get; init; }
    public required string Description { get; init; }
    public string Status { get; set; } = KlarnaTokenStatus.Active;
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public KlarnaCustomer? Customer { get; init; }
    public Queue<string> NextCharges { get; } = [];

    public KlarnaCustomerToken View() => new(PaymentMethodType, Status,
        DirectDebit: PaymentMethodType == "DIRECT_DEBIT" ? new KlarnaTokenDirectDebit("**" + Id[^3..]) : null,
        Card: PaymentMethodType == "CARD" ? new KlarnaTokenCard("VISA", "12/2030", "**" + Id[^4..]) : null);
}

/// <summary>A token as the control API shows it, with the outcomes queued for its next charges.</summary>
public sealed record SandboxTokenView(string TokenId, string MerchantId, string Status, string PaymentMethodType, string Currency, string Country, IReadOnlyList<string> NextCharges);

public sealed partial class KlarnaRestSandbox
{
    private readonly Dictionary<string, SandboxToken> tokens = [];

    /// <summary>
    /// The customer token of an authorization whose session tokenizes. Asked again with the same body, it answers the
    /// same token (as an order is answered again); with another body the authorization is used up.
    /// </summary>
    public SandboxReply CreateCustomerToken(KlarnaRestSandboxMerchant merchant, string authorizationToken, KlarnaCustomerTokenRequest request, string body)
    {
        lock (gate)
        {
            if (!authorizations.TryGetValue(authorizationToken, out var authorization) || authorization.Session.Merchant != merchant || authorization.Cancelled
                || authorization.Tokenized is null && authorization.Placed is null && authorization.ExpiresAt <= time.GetUtcNow())
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid authorization token");
            var session = authorization.Session;
            if (session.Purchase.Intent is not (KlarnaIntent.Tokenize or KlarnaIntent.BuyAndTokenize))
                return SandboxReply.Error(403, "INVALID_OPERATION", "Not allowed to create customer token for intent buy");
            if (authorization.Tokenized is { } made)
                return made.Body == body ? SandboxReply.Ok(Created(made.Token)) : SandboxReply.Error(403, "INVALID_OPERATION", "Authorization token already consumed");
            if (request.Description is not { Length: > 0 and <= 255 })
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: description");
            if (!string.Equals(request.IntendedUse, "SUBSCRIPTION", StringComparison.OrdinalIgnoreCase))
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: intended_use");
            if (request.Locale is not { Length: > 0 })
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: locale");
            if (!string.Equals(request.PurchaseCountry, session.Purchase.PurchaseCountry, StringComparison.OrdinalIgnoreCase)
                || request.BillingAddress?.Country is { } country && !string.Equals(country, session.Purchase.PurchaseCountry, StringComparison.OrdinalIgnoreCase))
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: purchase_country");
            if (!string.Equals(request.PurchaseCurrency, session.Purchase.PurchaseCurrency, StringComparison.OrdinalIgnoreCase))
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: purchase_currency");
            var details = authorization.Details;
            var token = new SandboxToken
            {
                Id = Guid.NewGuid().ToString(), Merchant = merchant, Country = session.Purchase.PurchaseCountry.ToUpperInvariant(),
                Currency = session.Purchase.PurchaseCurrency.ToUpperInvariant(), PaymentMethodType = details.PaymentMethodType, Description = request.Description,
                BillingAddress = details.BillingAddress ?? request.BillingAddress, ShippingAddress = details.ShippingAddress ?? details.BillingAddress ?? request.BillingAddress,
                Customer = details.Customer ?? request.Customer,
            };
            tokens[token.Id] = token;
            authorization.Tokenized = (token, body);
            if (session.Purchase.Intent == KlarnaIntent.Tokenize)
                session.Completed = true;
            executions.Add(new KlarnaRestExecution("create-customer-token", token.Id, null, null, authorizationToken, time.GetUtcNow()));
            return SandboxReply.Ok(Created(token));
        }
    }

    public SandboxReply GetCustomerToken(KlarnaRestSandboxMerchant merchant, string tokenId)
    {
        lock (gate)
        {
            if (!tokens.TryGetValue(tokenId, out var token))
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid customer-token ID");
            return token.Merchant != merchant ? SandboxReply.Error(403, KlarnaTokenErrors.TokenForbidden, "Customer token usage forbidden") : SandboxReply.Ok(token.View());
        }
    }

    /// <summary>
    /// Charges a token with an order: Klarna's refusals in its order (not found, forbidden, cancelled, suspended,
    /// currency), the cart's rules, then the outcome the control API queued; otherwise an accepted order, captured
    /// when <c>auto_capture</c> says so.
    /// </summary>
    public SandboxReply CreateTokenOrder(KlarnaRestSandboxMerchant merchant, string tokenId, KlarnaTokenOrderRequest request, string? key)
    {
        lock (gate)
        {
            if (!tokens.TryGetValue(tokenId, out var token))
                return SandboxReply.Error(404, KlarnaTokenErrors.TokenNotFound, "Customer token not found");
            if (token.Merchant != merchant)
                return SandboxReply.Error(403, KlarnaTokenErrors.TokenForbidden, "Customer token usage forbidden");
            if (token.Status == KlarnaTokenStatus.Cancelled)
                return SandboxReply.Error(403, KlarnaTokenErrors.TokenCancelled, "The purchase token has been cancelled");
            if (token.Status == KlarnaTokenStatus.Suspended)
                return SandboxReply.Error(403, KlarnaTokenErrors.TokenSuspended, "The purchase token has been suspended");
            if (!string.Equals(request.PurchaseCurrency, token.Currency, StringComparison.OrdinalIgnoreCase))
                return SandboxReply.Error(403, KlarnaTokenErrors.CurrencyMismatch, "The payment method of the token is not available for the currency of the order");
            var purchase = new KlarnaPurchase
            {
                PurchaseCountry = token.Country, PurchaseCurrency = request.PurchaseCurrency, OrderAmount = request.OrderAmount,
                OrderTaxAmount = request.OrderTaxAmount, OrderLines = request.OrderLines ?? [],
            };
            if (request.OrderAmount < 1)
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: order_amount");
            if (SandboxCart.PurchaseError(purchase) is { } error)
                return SandboxReply.Error(400, "BAD_VALUE", error);
            if (token.NextCharges.TryDequeue(out var outcome) && outcome != "OK")
                return SandboxReply.Error(403, outcome, outcome == KlarnaTokenErrors.PaymentMethodFailed
                    ? "Purchase for payment method failed" : "Payment method type is not available");
            var now = time.GetUtcNow();
            var order = new SandboxOrder
            {
                Id = Guid.NewGuid().ToString(), Merchant = merchant, Currency = token.Currency, Country = token.Country, Locale = request.Locale,
                KlarnaReference = Reference(8), OriginalOrderAmount = request.OrderAmount, CreatedAt = now, OrderAmount = request.OrderAmount,
                Lines = [.. purchase.OrderLines], MerchantReference1 = request.MerchantReference1, MerchantReference2 = request.MerchantReference2,
                BillingAddress = token.BillingAddress, ShippingAddress = request.ShippingAddress ?? token.ShippingAddress, Customer = token.Customer,
                PaymentMethod = token.PaymentMethodType, ExpiresAt = now.AddDays(options.Value.AuthorizationDays),
            };
            orders[order.Id] = order;
            executions.Add(new KlarnaRestExecution("token-order", order.Id, order.OrderAmount, key, tokenId, now));
            if (request.AutoCapture == true)
                CaptureWhole(order, key);
            return SandboxReply.Ok(new KlarnaTokenOrder(order.Id, KlarnaFraudStatus.Accepted));
        }
    }

    /// <summary>Only <c>CANCELLED</c> may be set, in any case; a cancelled token stays cancelled.</summary>
    public SandboxReply CancelCustomerToken(KlarnaRestSandboxMerchant merchant, string tokenId, string? status)
    {
        lock (gate)
        {
            if (!tokens.TryGetValue(tokenId, out var token) || token.Merchant != merchant)
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid token ID");
            if (!string.Equals(status, KlarnaTokenStatus.Cancelled, StringComparison.OrdinalIgnoreCase))
                return SandboxReply.Error(400, "BAD_VALUE", "status");
            token.Status = KlarnaTokenStatus.Cancelled;
            executions.Add(new KlarnaRestExecution("cancel-customer-token", tokenId, null, null, null, time.GetUtcNow()));
            return new SandboxReply(202);
        }
    }

    public IReadOnlyList<SandboxTokenView> Tokens
    {
        get
        {
            lock (gate)
                return [.. tokens.Values.Select(View)];
        }
    }

    /// <summary>The control API: Klarna suspends or reactivates a token, or the next charges end as chosen (<c>OK</c> or a code).</summary>
    public SandboxTokenView? SteerToken(string tokenId, string? status, IReadOnlyList<string>? nextCharges)
    {
        lock (gate)
        {
            if (!tokens.TryGetValue(tokenId, out var token))
                return null;
            if (status is not null)
                token.Status = status;
            foreach (var outcome in nextCharges ?? [])
                token.NextCharges.Enqueue(outcome);
            return View(token);
        }
    }

    public static readonly string[] SteerableStatuses = [KlarnaTokenStatus.Active, KlarnaTokenStatus.Suspended, KlarnaTokenStatus.Cancelled];

    public static readonly string[] SteerableCharges = ["OK", KlarnaTokenErrors.PaymentMethodFailed, KlarnaTokenErrors.UnavailablePaymentMethod];

    private static SandboxTokenView View(SandboxToken token) =>
        new(token.Id, token.Merchant.MerchantId, token.Status, token.PaymentMethodType, token.Currency, token.Country, [.. token.NextCharges]);

    private static KlarnaCustomerTokenCreated Created(SandboxToken token) =>
        new(token.Id, $"https://credit.klarna.com/v1/sessions/{token.Id}/redirect", token.Id, token.BillingAddress, token.Customer);
}
