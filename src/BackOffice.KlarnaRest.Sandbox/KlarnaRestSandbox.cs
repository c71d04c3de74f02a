using System.Security.Cryptography;
using System.Text;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>
/// Klarna's REST platform as far as a back office sees it: payment sessions and the customer's approval, orders placed
/// from it in Order Management with Klarna's amount rules and refusals, and payouts of what was captured and refunded.
/// State lives in memory, on the sandbox's clock; README.md in this folder says what was chosen where Klarna is silent.
/// </summary>
public sealed partial class KlarnaRestSandbox(IOptions<KlarnaRestSandboxOptions> options, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SandboxSession> sessions = [];
    private readonly Dictionary<string, SandboxAuthorization> authorizations = [];
    private readonly Dictionary<string, SandboxOrder> orders = [];
    private readonly List<KlarnaRestExecution> executions = [];
    private readonly List<(string Merchant, KlarnaSettlementTransaction Transaction)> unpaid = [];
    private readonly List<(string Merchant, KlarnaPayout Payout, List<KlarnaSettlementTransaction> Transactions)> payouts = [];

    public SandboxTraffic Traffic { get; } = new(() => options.Value.LatencyMs);

    public KlarnaRestSandboxMerchant? Authenticate(string username, string password) =>
        options.Value.Merchants.FirstOrDefault(m => m.Username == username
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(m.Password), Encoding.UTF8.GetBytes(password)));

    public IReadOnlyList<KlarnaRestSandboxMerchant> Merchants => options.Value.Merchants;

    public IReadOnlyList<KlarnaRestExecution> Executions
    {
        get
        {
            lock (gate)
                return [.. executions];
        }
    }

    // Payments API

    public SandboxReply CreateSession(KlarnaRestSandboxMerchant merchant, KlarnaPurchase purchase)
    {
        if (SandboxCart.PurchaseError(purchase) is { } error)
            return SandboxReply.Error(400, "BAD_VALUE", error);
        var session = new SandboxSession { Id = Guid.NewGuid().ToString(), Merchant = merchant, Purchase = purchase, ExpiresAt = time.GetUtcNow().AddHours(48) };
        lock (gate)
            sessions[session.Id] = session;
        return SandboxReply.Ok(new KlarnaSession(session.Id, ClientToken(session.Id),
            [new KlarnaPaymentMethodCategory("klarna", "Pay with Klarna", new KlarnaAssetUrls(
                "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg", "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg"))]));
    }

    /// <summary>The customer's approval in Klarna's widget: answers the authorization token, or none when denied.</summary>
    public SandboxReply Authorize(string sessionId, string outcome, AuthorizeDetails? details = null)
    {
        lock (gate)
        {
            if (!sessions.TryGetValue(sessionId, out var session) || session.ExpiresAt <= time.GetUtcNow())
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid session id");
            if (session.Completed)
                return SandboxReply.Error(404, "SESSION_COMPLETED", "Session has already been completed");
            if (outcome == "denied")
                return SandboxReply.Ok(new AuthorizeAnswer(false, null));
            foreach (var older in authorizations.Values.Where(a => a.Session == session && a.Placed is null))
                older.Cancelled = true;
            var authorization = new SandboxAuthorization
            {
                Token = Guid.NewGuid().ToString(), Session = session, ExpiresAt = time.GetUtcNow().AddMinutes(60),
                FraudStatus = outcome == "pending" ? KlarnaFraudStatus.Pending : KlarnaFraudStatus.Accepted, Details = details ?? new(),
            };
            authorizations[authorization.Token] = authorization;
            return SandboxReply.Ok(new AuthorizeAnswer(true, authorization.Token));
        }
    }

    /// <summary>Places the order of an authorization; the same token with the same body answers the same order again.</summary>
    public SandboxReply PlaceOrder(KlarnaRestSandboxMerchant merchant, string token, KlarnaPurchase purchase, string body)
    {
        lock (gate)
        {
            if (!authorizations.TryGetValue(token, out var authorization) || authorization.Session.Merchant != merchant || authorization.Cancelled
                || authorization.Placed is null && authorization.ExpiresAt <= time.GetUtcNow())
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid authorization token");
            if (authorization.Placed is { } placed)
                return placed.Body == body ? SandboxReply.Ok(placed.Order)
                    : SandboxReply.Error(409, "BAD_VALUE", "The order has been already completed with different request body");
            if (authorization.Session.Purchase.Intent == KlarnaIntent.Tokenize)
                return SandboxReply.Error(403, "INVALID_OPERATION");
            if (SandboxCart.PurchaseError(purchase) is { } error)
                return SandboxReply.Error(400, "BAD_VALUE", error);
            if (Mismatch(authorization.Session.Purchase, purchase) is { } fields)
                return SandboxReply.Error(409, "BAD_VALUE", $"Not matching fields: [{fields}]");
            var now = time.GetUtcNow();
            var order = new SandboxOrder
            {
                Id = Guid.NewGuid().ToString(), Merchant = merchant, Currency = purchase.PurchaseCurrency.ToUpperInvariant(), Country = purchase.PurchaseCountry.ToUpperInvariant(),
                Locale = purchase.Locale, KlarnaReference = Reference(8), OriginalOrderAmount = purchase.OrderAmount, CreatedAt = now,
                NotificationUrl = purchase.MerchantUrls?.Notification, OrderAmount = purchase.OrderAmount, Lines = [.. purchase.OrderLines],
                MerchantReference1 = purchase.MerchantReference1, MerchantReference2 = purchase.MerchantReference2,
                BillingAddress = purchase.BillingAddress ?? authorization.Details.BillingAddress,
                ShippingAddress = purchase.ShippingAddress ?? purchase.BillingAddress ?? authorization.Details.ShippingAddress ?? authorization.Details.BillingAddress,
                Customer = authorization.Details.Customer, PaymentMethod = authorization.Details.PaymentMethodType,
                ExpiresAt = now.AddDays(options.Value.AuthorizationDays), FraudStatus = authorization.FraudStatus,
            };
            orders[order.Id] = order;
            authorization.Session.Completed = true;
            var answer = new KlarnaPlacedOrder(order.Id, purchase.MerchantUrls?.Confirmation is { } confirmation ? confirmation.Replace("{order.id}", order.Id, StringComparison.Ordinal) : null,
                order.FraudStatus, new KlarnaPaymentMethod("invoice"));
            authorization.Placed = (answer, body);
            executions.Add(new KlarnaRestExecution("place-order", order.Id, order.OrderAmount, null, token, now));
            if (purchase.AutoCapture == true && order.FraudStatus == KlarnaFraudStatus.Accepted)
                CaptureWhole(order, null);
            return SandboxReply.Ok(answer);
        }
    }

    public SandboxReply CancelAuthorization(KlarnaRestSandboxMerchant merchant, string token)
    {
        lock (gate)
        {
            if (!authorizations.TryGetValue(token, out var authorization) || authorization.Session.Merchant != merchant
                || authorization.Cancelled || authorization.ExpiresAt <= time.GetUtcNow() && authorization.Placed is null)
                return SandboxReply.Error(404, "NOT_FOUND", "Invalid authorization token");
            if (authorization.Placed is not null)
                return SandboxReply.Error(404, "NOT_FOUND", "Authorization cannot be deleted");
            authorization.Cancelled = true;
            return SandboxReply.NoContent;
        }
    }

    // Order Management

    public SandboxReply GetOrder(KlarnaRestSandboxMerchant merchant, string orderId) => WithOrder(merchant, orderId, order => SandboxReply.Ok(order.View()));

    public SandboxReply GetCapture(KlarnaRestSandboxMerchant merchant, string orderId, string captureId) => WithOrder(merchant, orderId, order =>
        order.Captures.FirstOrDefault(c => c.CaptureId == captureId) is { } capture ? SandboxReply.Ok(capture.View()) : SandboxReply.NoSuchOrder(orderId));

    public SandboxReply GetRefund(KlarnaRestSandboxMerchant merchant, string orderId, string refundId) => WithOrder(merchant, orderId, order =>
        order.Refunds.FirstOrDefault(r => r.RefundId == refundId) is { } refund ? SandboxReply.Ok(refund)
            : SandboxReply.Error(404, "NOT_FOUND", $"Refund {refundId} cannot be found for order {orderId}"));

    public SandboxReply Capture(KlarnaRestSandboxMerchant merchant, string orderId, KlarnaCaptureRequest request, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (order.Status is KlarnaOrderStatus.Cancelled or KlarnaOrderStatus.Expired or KlarnaOrderStatus.Closed || order.Released
            || order.FraudStatus != KlarnaFraudStatus.Accepted)
            return SandboxReply.Error(403, "CAPTURE_NOT_ALLOWED", "Capture not allowed");
        if (request.CapturedAmount <= 0 || request.CapturedAmount > 200_000_000)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: captured_amount");
        if (request.CapturedAmount > order.RemainingAuthorizedAmount)
            return SandboxReply.Error(403, "CAPTURE_NOT_ALLOWED", "Captured amount is higher than the remaining authorized amount. Capture not possible.");
        if ((SandboxCart.LinesError(request.OrderLines) ?? SandboxCart.SumError(request.CapturedAmount, request.OrderLines, "captured_amount")) is { } linesError)
            return SandboxReply.Error(400, "BAD_VALUE", linesError);
        if (SandboxCart.ShippingInfoError(request.ShippingInfo) is { } shippingError)
            return SandboxReply.Error(422, "UNPROCESSABLE_ENTITY", shippingError);
        var capture = new SandboxCaptureRecord
        {
            CaptureId = Guid.NewGuid().ToString(), KlarnaReference = $"{order.KlarnaReference}-{order.Captures.Count + 1}", CapturedAmount = request.CapturedAmount,
            CapturedAt = time.GetUtcNow(), Reference = request.Reference, Description = request.Description, OrderLines = request.OrderLines ?? [],
            BillingAddress = order.BillingAddress, ShippingAddress = order.ShippingAddress,
        };
        capture.ShippingInfo.AddRange(request.ShippingInfo ?? []);
        order.Captures.Add(capture);
        order.Status = order.CapturedAmount == order.OrderAmount ? KlarnaOrderStatus.Captured : KlarnaOrderStatus.PartCaptured;
        order.Acknowledged = true;
        Settle(order, "SALE", capture.CapturedAmount, captureId: capture.CaptureId, captureReference: capture.Reference);
        executions.Add(new KlarnaRestExecution("capture", order.Id, capture.CapturedAmount, key, capture.CaptureId, capture.CapturedAt));
        return new SandboxReply(201, IdHeader: "Capture-Id", Id: capture.CaptureId, Location: $"ordermanagement/v1/orders/{order.Id}/captures/{capture.CaptureId}");
    });

    public SandboxReply Refund(KlarnaRestSandboxMerchant merchant, string orderId, KlarnaRefundRequest request, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (order.Captures.Count == 0)
            return SandboxReply.Error(403, "REFUND_NOT_ALLOWED", "Order has no captures. Refund not possible");
        if (request.RefundedAmount <= 0 || request.RefundedAmount > 200_000_000)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: refunded_amount");
        if (request.RefundedAmount > order.CapturedAmount - order.RefundedAmount)
            return SandboxReply.Error(403, "REFUND_NOT_ALLOWED", "Over refund is not allowed. Refund not possible.");
        if ((SandboxCart.LinesError(request.OrderLines) ?? SandboxCart.SumError(request.RefundedAmount, request.OrderLines, "refunded_amount")) is { } linesError)
            return SandboxReply.Error(400, "BAD_VALUE", linesError);
        var refund = new KlarnaRefund
        {
            RefundId = Guid.NewGuid().ToString(), RefundedAmount = request.RefundedAmount, RefundedAt = time.GetUtcNow(), Description = request.Description,
            Reference = request.Reference, OrderLines = request.OrderLines ?? [],
        };
        Allocate(order, refund);
        order.Refunds.Add(refund);
        Settle(order, "RETURN", -refund.RefundedAmount, refundId: refund.RefundId, refundReference: refund.Reference);
        executions.Add(new KlarnaRestExecution("refund", order.Id, refund.RefundedAmount, key, refund.RefundId, refund.RefundedAt));
        return new SandboxReply(201, IdHeader: "Refund-Id", Id: refund.RefundId, Location: $"ordermanagement/v1/orders/{order.Id}/refunds/{refund.RefundId}");
    });

    public SandboxReply Cancel(KlarnaRestSandboxMerchant merchant, string orderId, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (order.Captures.Count > 0)
            return SandboxReply.Error(403, "CANCEL_NOT_ALLOWED", "Order has previous captures. Cancel not possible.");
        if (!order.IsOpen)
            return SandboxReply.Error(403, "CANCEL_NOT_ALLOWED", $"Order is {order.Status.ToLowerInvariant()}. Cancel not possible.");
        order.Status = KlarnaOrderStatus.Cancelled;
        executions.Add(new KlarnaRestExecution("cancel", order.Id, order.OrderAmount, key, null, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    /// <summary>Releases what is left of a part-captured order; the order counts as captured afterwards (README).</summary>
    public SandboxReply ReleaseRemainingAuthorization(KlarnaRestSandboxMerchant merchant, string orderId, string? key) => WithOrder(merchant, orderId, order =>
    {
        var refusal = order.Status switch
        {
            KlarnaOrderStatus.Captured => "Order is fully captured. Remaining authorization cannot be released.",
            _ when order.Captures.Count == 0 => "Order has no captures. Remaining authorization cannot be released.",
            _ when !order.IsOpen => $"Order is {order.Status.ToLowerInvariant()}. Remaining authorization cannot be released.",
            _ => null,
        };
        if (refusal is not null)
            return SandboxReply.Error(403, "NOT_ALLOWED", refusal);
        var released = order.RemainingAuthorizedAmount;
        (order.Released, order.Status) = (true, KlarnaOrderStatus.Captured);
        executions.Add(new KlarnaRestExecution("release", order.Id, released, key, null, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    /// <summary>A new expiry, <see cref="KlarnaRestSandboxOptions.AuthorizationDays"/> from now, never past 180 days from the purchase.</summary>
    public SandboxReply ExtendAuthorizationTime(KlarnaRestSandboxMerchant merchant, string orderId, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (!order.IsOpen)
            return SandboxReply.Error(403, "NOT_ALLOWED", $"Order is {(order.Released ? "fully captured" : order.Status.ToLowerInvariant())}. Authorization time cannot be extended.");
        var now = time.GetUtcNow();
        var cap = order.CreatedAt.AddDays(180);
        order.ExpiresAt = now.AddDays(options.Value.AuthorizationDays) < cap ? now.AddDays(options.Value.AuthorizationDays) : cap;
        executions.Add(new KlarnaRestExecution("extend", order.Id, null, key, order.ExpiresAt.ToString("O"), now));
        return SandboxReply.NoContent;
    });

    public SandboxReply Acknowledge(KlarnaRestSandboxMerchant merchant, string orderId, string? key) => WithOrder(merchant, orderId, order =>
    {
        order.Acknowledged = true;
        executions.Add(new KlarnaRestExecution("acknowledge", order.Id, null, key, null, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    /// <summary>A new amount and lines while the order is open; never below what was captured, and never above the amount first authorized (README).</summary>
    public SandboxReply UpdateAuthorization(KlarnaRestSandboxMerchant merchant, string orderId, KlarnaAuthorizationUpdate update, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (!order.IsOpen)
            return SandboxReply.Error(403, "NOT_ALLOWED", "Update not allowed.");
        if (update.OrderAmount < order.CapturedAmount)
            return SandboxReply.Error(403, "NOT_ALLOWED",
                $"Resulting authorization amount {update.OrderAmount} cannot be less than the captured amount {order.CapturedAmount} for order. Order authorization cannot be updated");
        if (update.OrderAmount > order.OriginalOrderAmount)
            return SandboxReply.Error(403, "NOT_ALLOWED", "Update not allowed.");
        if ((SandboxCart.LinesError(update.OrderLines) ?? SandboxCart.SumError(update.OrderAmount, update.OrderLines, "order_amount")) is { } linesError)
            return SandboxReply.Error(400, "BAD_VALUE", linesError);
        (order.OrderAmount, order.Lines) = (update.OrderAmount, [.. update.OrderLines ?? []]);
        if (order.CapturedAmount == order.OrderAmount && order.CapturedAmount > 0)
            order.Status = KlarnaOrderStatus.Captured;
        executions.Add(new KlarnaRestExecution("update-authorization", order.Id, update.OrderAmount, key, null, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    public SandboxReply UpdateCustomerDetails(KlarnaRestSandboxMerchant merchant, string orderId, KlarnaCustomerDetailsUpdate update, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (order.Status == KlarnaOrderStatus.Cancelled)
            return SandboxReply.Error(403, "NOT_ALLOWED", "Can not update a cancelled order.");
        if (update.BillingAddress is not null)
            return SandboxReply.Error(403, "NOT_ALLOWED", "Billing address cannot be updated for user account order. Customer details cannot be updated.");
        if (update.ShippingAddress is not { } address || !string.Equals(address.Country ?? order.Country, order.Country, StringComparison.OrdinalIgnoreCase)
            || address.StreetAddress?.Length > 100 || address.PostalCode?.Length > 10 || address.City?.Length > 200 || address.GivenName?.Length > 100 || address.FamilyName?.Length > 100)
            return SandboxReply.Error(422, "INVALID_ADDRESS", "The shipping and/or billing address is invalid");
        order.ShippingAddress = address with { Country = order.Country };
        executions.Add(new KlarnaRestExecution("customer-details", order.Id, null, key, null, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    public SandboxReply UpdateMerchantReferences(KlarnaRestSandboxMerchant merchant, string orderId, KlarnaMerchantReferences references, string? key) => WithOrder(merchant, orderId, order =>
    {
        if (order.Status == KlarnaOrderStatus.Cancelled)
            return SandboxReply.Error(403, "NOT_ALLOWED", "Can not update a cancelled order.");
        if (references.MerchantReference1?.Length > 255 || references.MerchantReference2?.Length > 255)
            return SandboxReply.Error(400, "BAD_VALUE", "Bad value: merchant_reference1");
        order.MerchantReference1 = references.MerchantReference1 ?? order.MerchantReference1;
        order.MerchantReference2 = references.MerchantReference2 ?? order.MerchantReference2;
        executions.Add(new KlarnaRestExecution("merchant-references", order.Id, null, key, references.MerchantReference1, time.GetUtcNow()));
        return SandboxReply.NoContent;
    });

    public SandboxReply AddShippingInfo(KlarnaRestSandboxMerchant merchant, string orderId, string captureId, IReadOnlyList<KlarnaShippingInfo>? infos, string? key) =>
        WithCapture(merchant, orderId, captureId, "Shipping info cannot be added to capture", (order, capture) =>
        {
            if (infos is not { Count: > 0 and <= 500 })
                return SandboxReply.Error(400, "BAD_VALUE", "Bad value: shipping_info");
            if (SandboxCart.ShippingInfoError(infos) is { } error)
                return SandboxReply.Error(422, "UNPROCESSABLE_ENTITY", error);
            capture.ShippingInfo.AddRange(infos);
            executions.Add(new KlarnaRestExecution("shipping-info", order.Id, null, key, capture.CaptureId, time.GetUtcNow()));
            return SandboxReply.NoContent;
        });

    public SandboxReply TriggerSendOut(KlarnaRestSandboxMerchant merchant, string orderId, string captureId, string? key) =>
        WithCapture(merchant, orderId, captureId, "Customer communication cannot be sent for capture", (order, capture) =>
        {
            capture.SendOuts++;
            executions.Add(new KlarnaRestExecution("trigger-send-out", order.Id, null, key, capture.CaptureId, time.GetUtcNow()));
            return SandboxReply.NoContent;
        });

    // Settlements API

    public SandboxReply Payouts(KlarnaRestSandboxMerchant merchant, DateTimeOffset start, DateTimeOffset end, string? currency, int size, int offset)
    {
        lock (gate)
        {
            var matching = payouts.Where(p => p.Merchant == merchant.Username && p.Payout.PayoutDate >= start && p.Payout.PayoutDate <= end
                && (currency is null || string.Equals(p.Payout.CurrencyCode, currency, StringComparison.OrdinalIgnoreCase))).Select(p => p.Payout).ToList();
            var page = matching.Skip(offset).Take(size).ToList();
            return SandboxReply.Ok(new KlarnaPayoutPage(page, new KlarnaPagination(page.Count, matching.Count, Offset: offset)));
        }
    }

    public SandboxReply Payout(KlarnaRestSandboxMerchant merchant, string paymentReference)
    {
        lock (gate)
            return payouts.FirstOrDefault(p => p.Merchant == merchant.Username && p.Payout.PaymentReference == paymentReference) is { Payout: { } payout }
                ? SandboxReply.Ok(payout)
                : SandboxReply.Error(404, "NOT_FOUND", $"Payout {paymentReference} cannot be found");
    }

    public SandboxReply Transactions(KlarnaRestSandboxMerchant merchant, string? paymentReference, string? orderId, int size, int offset)
    {
        lock (gate)
        {
            var matching = payouts.Where(p => p.Merchant == merchant.Username && (paymentReference is null || p.Payout.PaymentReference == paymentReference))
                .SelectMany(p => p.Transactions).Where(t => orderId is null || t.OrderId == orderId).ToList();
            var page = matching.Skip(offset).Take(size).ToList();
            return SandboxReply.Ok(new KlarnaSettlementTransactionPage(page, new KlarnaPagination(page.Count, matching.Count, Offset: offset)));
        }
    }

    // Control

    /// <summary>Any merchant's order, as Order Management shows it.</summary>
    public KlarnaOrder? Order(string orderId)
    {
        lock (gate)
        {
            if (!orders.TryGetValue(orderId, out var order))
                return null;
            order.Refresh(time.GetUtcNow());
            return order.View();
        }
    }

    /// <summary>The merchant's own order, as Order Management shows it (for the card issuer, which settles it).</summary>
    internal KlarnaOrder? OrderOf(KlarnaRestSandboxMerchant merchant, string orderId)
    {
        lock (gate)
        {
            if (!orders.TryGetValue(orderId, out var order) || order.Merchant != merchant)
                return null;
            order.Refresh(time.GetUtcNow());
            return order.View();
        }
    }

    /// <summary>
    /// Ends a pending fraud review: ACCEPTED lets the order be captured, REJECTED or STOPPED cancels it. Answers whether
    /// the order was pending, and where the merchant wants to hear of it (<c>merchant_urls.notification</c>).
    /// </summary>
    public (bool Resolved, string? NotificationUrl) ResolveFraud(string orderId, string status)
    {
        lock (gate)
        {
            if (!orders.TryGetValue(orderId, out var order) || order.FraudStatus != KlarnaFraudStatus.Pending)
                return (false, null);
            order.FraudStatus = status;
            if (status != KlarnaFraudStatus.Accepted)
                order.Status = KlarnaOrderStatus.Cancelled;
            return (true, order.NotificationUrl);
        }
    }

    /// <summary>The authorization's time runs out now.</summary>
    public bool Expire(string orderId)
    {
        lock (gate)
        {
            if (!orders.TryGetValue(orderId, out var order) || !order.IsOpen)
                return false;
            order.ExpiresAt = time.GetUtcNow();
            order.Refresh(order.ExpiresAt);
            return true;
        }
    }

    /// <summary>
    /// Closes the payout period: per merchant and currency, the sales and returns not yet paid out and a fee on each sale
    /// become one payout. Answers the payouts made.
    /// </summary>
    public IReadOnlyList<KlarnaPayout> ClosePayoutPeriod()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var made = new List<KlarnaPayout>();
            foreach (var group in unpaid.GroupBy(u => (u.Merchant, u.Transaction.CurrencyCode), u => u.Transaction).ToList())
            {
                var merchant = options.Value.Merchants.First(m => m.Username == group.Key.Merchant);
                var reference = Reference(10);
                var fees = group.Where(t => t.Type == "SALE").Select(t => t with
                {
                    Type = "FEE", DetailedType = "PURCHASE_FEE", Amount = -(t.Amount * options.Value.FeeBasisPoints / 10_000 + options.Value.FixedFee), RefundId = null,
                });
                var transactions = group.Concat(fees).Select(t => t with { PaymentReference = reference }).ToList();
                var totals = new KlarnaPayoutTotals
                {
                    SaleAmount = transactions.Where(t => t.Type == "SALE").Sum(t => t.Amount),
                    ReturnAmount = transactions.Where(t => t.Type == "RETURN").Sum(t => t.Amount),
                    FeeAmount = transactions.Where(t => t.Type == "FEE").Sum(t => t.Amount),
                    SettlementAmount = transactions.Sum(t => t.Amount),
                };
                var payout = new KlarnaPayout
                {
                    PaymentReference = reference, PayoutDate = now, CurrencyCode = group.Key.CurrencyCode, MerchantSettlementType = "NET", MerchantId = merchant.MerchantId, Totals = totals,
                };
                payouts.Add((merchant.Username, payout, transactions));
                made.Add(payout);
            }
            unpaid.Clear();
            return made;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            sessions.Clear();
            authorizations.Clear();
            tokens.Clear();
            orders.Clear();
            executions.Clear();
            unpaid.Clear();
            payouts.Clear();
        }
    }

    private SandboxReply WithOrder(KlarnaRestSandboxMerchant merchant, string orderId, Func<SandboxOrder, SandboxReply> act)
    {
        if (!Guid.TryParse(orderId, out _))
            return SandboxReply.Error(400, "INVALID_ORDER_ID", "Order ID must be a valid UUID.");
        lock (gate)
        {
            if (!orders.TryGetValue(orderId, out var order) || order.Merchant != merchant)
                return SandboxReply.NoSuchOrder(orderId);
            order.Refresh(time.GetUtcNow());
            return act(order);
        }
    }

    private SandboxReply WithCapture(KlarnaRestSandboxMerchant merchant, string orderId, string captureId, string what, Func<SandboxOrder, SandboxCaptureRecord, SandboxReply> act) =>
        WithOrder(merchant, orderId, order =>
            order.Captures.Count == 0 ? SandboxReply.Error(403, "NOT_ALLOWED", "Order has no captures.")
            : order.Captures.FirstOrDefault(c => c.CaptureId == captureId) is { } capture ? act(order, capture)
            : SandboxReply.Error(404, "NO_SUCH_CAPTURE", $"Capture could not be found. {what} {captureId}"));

    /// <summary>What <c>auto_capture</c> does: one capture of the whole order as it is placed.</summary>
    private void CaptureWhole(SandboxOrder order, string? key)
    {
        var capture = new SandboxCaptureRecord
        {
            CaptureId = Guid.NewGuid().ToString(), KlarnaReference = $"{order.KlarnaReference}-1", CapturedAmount = order.OrderAmount, CapturedAt = order.CreatedAt,
            OrderLines = [.. order.Lines], BillingAddress = order.BillingAddress, ShippingAddress = order.ShippingAddress,
        };
        order.Captures.Add(capture);
        order.Status = KlarnaOrderStatus.Captured;
        Settle(order, "SALE", capture.CapturedAmount, captureId: capture.CaptureId);
        executions.Add(new KlarnaRestExecution("capture", order.Id, capture.CapturedAmount, key, capture.CaptureId, capture.CapturedAt));
    }

    /// <summary>A refund goes on the captures whose lines it names, else on the newest capture with room (README).</summary>
    private static void Allocate(SandboxOrder order, KlarnaRefund refund)
    {
        var left = refund.RefundedAmount;
        var references = refund.OrderLines.Select(l => l.Reference).OfType<string>().ToHashSet();
        var candidates = order.Captures.Where(c => c.OrderLines.Any(l => l.Reference is { } r && references.Contains(r)))
            .Concat(Enumerable.Reverse(order.Captures)).Distinct();
        foreach (var capture in candidates)
        {
            var share = Math.Min(left, capture.CapturedAmount - capture.RefundedAmount);
            capture.RefundedAmount += share;
            left -= share;
            if (left == 0)
                break;
        }
    }

    /// <summary>A sale or a return waiting for the next payout.</summary>
    private void Settle(SandboxOrder order, string type, long amount, string? captureId = null, string? refundId = null, string? captureReference = null, string? refundReference = null)
    {
        var now = time.GetUtcNow();
        unpaid.Add((order.Merchant.Username, new KlarnaSettlementTransaction
        {
            Amount = amount, Type = type, DetailedType = type == "SALE" ? "PURCHASE" : "RETURN", OrderId = order.Id, CaptureId = captureId ?? order.Captures.LastOrDefault()?.CaptureId,
            RefundId = refundId, CurrencyCode = order.Currency, PurchaseCountry = order.Country, SaleDate = order.CreatedAt, CaptureDate = now,
            MerchantReference1 = order.MerchantReference1, MerchantReference2 = order.MerchantReference2, MerchantCaptureReference = captureReference,
            MerchantRefundReference = refundReference, ShortOrderId = order.KlarnaReference,
        }));
    }

    private static string? Mismatch(KlarnaPurchase authorized, KlarnaPurchase placed)
    {
        var fields = new List<string>();
        if (!string.Equals(authorized.PurchaseCurrency, placed.PurchaseCurrency, StringComparison.OrdinalIgnoreCase))
            fields.Add("purchase_currency");
        if (!string.Equals(authorized.PurchaseCountry, placed.PurchaseCountry, StringComparison.OrdinalIgnoreCase))
            fields.Add("purchase_country");
        if (authorized.OrderAmount != placed.OrderAmount)
            fields.Add("order_amount");
        if (authorized.OrderLines.Count != placed.OrderLines.Count)
            fields.Add($"Incorrect number of items in the cart. Expected: {authorized.OrderLines.Count}, Actual: {placed.OrderLines.Count}");
        return fields.Count == 0 ? null : string.Join(", ", fields);
    }

    private static string Reference(int length) => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", length);

    /// <summary>A token shaped as Klarna's JWT: header, the session as payload, and a signature nobody checks.</summary>
    private static string ClientToken(string sessionId)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"HS256","typ":"JWT"}""")}.{Part($$"""{"session_id":"{{sessionId}}","url":"sandbox"}""")}.{Part(Guid.NewGuid().ToString("N"))}";
    }

    public sealed record AuthorizeAnswer(bool Approved, string? AuthorizationToken);
}
