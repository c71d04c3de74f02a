namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>One order in Order Management, as the sandbox keeps it; every change goes through <see cref="KlarnaRestSandbox"/>'s lock.</summary>
internal sealed class SandboxOrder
{
    public required string Id { get; init; }
    public required KlarnaRestSandboxMerchant Merchant { get; init; }
    public required string Currency { get; init; }
    public required string Country { get; init; }
    public string? Locale { get; init; }
    public required string KlarnaReference { get; init; }
    public required long OriginalOrderAmount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? NotificationUrl { get; init; }
    public string PaymentMethod { get; init; } = "INVOICE";
    public string Status { get; set; } = KlarnaOrderStatus.Authorized;
    public string FraudStatus { get; set; } = KlarnaFraudStatus.Accepted;
    public long OrderAmount { get; set; }
    public List<KlarnaOrderLine> Lines { get; set; } = [];
    public string? MerchantReference1 { get; set; }
    public string? MerchantReference2 { get; set; }
    public KlarnaAddress? BillingAddress { get; set; }
    public KlarnaAddress? ShippingAddress { get; set; }
    public KlarnaCustomer? Customer { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Released { get; set; }
    public bool Acknowledged { get; set; }
    public List<SandboxCaptureRecord> Captures { get; } = [];
    public List<KlarnaRefund> Refunds { get; } = [];

    public long CapturedAmount => Captures.Sum(c => c.CapturedAmount);
    public long RefundedAmount => Refunds.Sum(r => r.RefundedAmount);
    public bool IsOpen => Status is KlarnaOrderStatus.Authorized or KlarnaOrderStatus.PartCaptured && !Released;
    public long RemainingAuthorizedAmount => IsOpen ? OrderAmount - CapturedAmount : 0;

    /// <summary>An authorization whose time has passed expires; what was captured stays.</summary>
    public void Refresh(DateTimeOffset now)
    {
        if (IsOpen && now >= ExpiresAt)
            Status = KlarnaOrderStatus.Expired;
    }

    public KlarnaOrder View() => new()
    {
        OrderId = Id, Status = Status, FraudStatus = FraudStatus, OrderAmount = OrderAmount, OriginalOrderAmount = OriginalOrderAmount,
        CapturedAmount = CapturedAmount, RefundedAmount = RefundedAmount, RemainingAuthorizedAmount = RemainingAuthorizedAmount,
        PurchaseCurrency = Currency, PurchaseCountry = Country, Locale = Locale, OrderLines = [.. Lines],
        MerchantReference1 = MerchantReference1, MerchantReference2 = MerchantReference2, KlarnaReference = KlarnaReference,
        BillingAddress = BillingAddress, ShippingAddress = ShippingAddress, Customer = Customer, CreatedAt = CreatedAt, ExpiresAt = ExpiresAt,
        Captures = [.. Captures.Select(c => c.View())], Refunds = [.. Refunds], InitialPaymentMethod = new KlarnaPaymentMethod(PaymentMethod),
    };
}

internal sealed class SandboxCaptureRecord
{
    public required string CaptureId { get; init; }
    public required string KlarnaReference { get; init; }
    public required long CapturedAmount { get; init; }
    public required DateTimeOffset CapturedAt { get; init; }
    public string? Reference { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<KlarnaOrderLine> OrderLines { get; init; } = [];
    public KlarnaAddress? BillingAddress { get; init; }
    public KlarnaAddress? ShippingAddress { get; init; }
    public long RefundedAmount { get; set; }
    public List<KlarnaShippingInfo> ShippingInfo { get; } = [];

    /// <summary>How often the customer communication of this capture was sent again.</summary>
    public int SendOuts { get; set; }

    public KlarnaCapture View() => new()
    {
        CaptureId = CaptureId, KlarnaReference = KlarnaReference, CapturedAmount = CapturedAmount, CapturedAt = CapturedAt, Reference = Reference,
        Description = Description, OrderLines = OrderLines, RefundedAmount = RefundedAmount, BillingAddress = BillingAddress, ShippingAddress = ShippingAddress,
        ShippingInfo = [.. ShippingInfo],
    };
}

/// <summary>A payment session and what the customer's approval of it fixed.</summary>
internal sealed class SandboxSession
{
    public required string Id { get; init; }
    public required KlarnaRestSandboxMerchant Merchant { get; init; }
    public required KlarnaPurchase Purchase { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public bool Completed { get; set; }
}

internal sealed class SandboxAuthorization
{
    public required string Token { get; init; }
    public required SandboxSession Session { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required string FraudStatus { get; init; }
    public bool Cancelled { get; set; }

    /// <summary>What the customer gave in Klarna's widget: the payment method chosen and who they are.</summary>
    public AuthorizeDetails Details { get; init; } = new();

    /// <summary>The customer token made from this authorization, and the body it was asked with.</summary>
    public (SandboxToken Token, string Body)? Tokenized { get; set; }

    /// <summary>The order placed with the token, and the body it was placed with (a repeat must send the same).</summary>
    public (KlarnaPlacedOrder Order, string Body)? Placed { get; set; }
}
