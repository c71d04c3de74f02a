namespace BackOffice.KlarnaRest;

/// <summary>A payout's sums, in minor units of its currency.</summary>
public sealed record KlarnaPayoutTotals
{
    public long SaleAmount { get; init; }
    public long ReturnAmount { get; init; }
    public long FeeAmount { get; init; }
    public long FeeRefundAmount { get; init; }
    public long CommissionAmount { get; init; }
    public long HoldbackAmount { get; init; }
    public long ReleaseAmount { get; init; }
    public long ReversalAmount { get; init; }
    public long TaxAmount { get; init; }
    public long TaxRefundAmount { get; init; }
    public long RepayAmount { get; init; }
    public long CorrectionAmount { get; init; }
    public long FeeCorrectionAmount { get; init; }
    public long ChargeAmount { get; init; }
    public long CreditAmount { get; init; }
    public long DepositAmount { get; init; }
    public long OpeningDebtBalanceAmount { get; init; }
    public long ClosingDebtBalanceAmount { get; init; }

    /// <summary>What was paid out.</summary>
    public long SettlementAmount { get; init; }
}

/// <summary>One payout (<c>GET /settlements/v1/payouts</c>), named by its <c>payment_reference</c>.</summary>
public sealed record KlarnaPayout
{
    public string PaymentReference { get; init; } = "";
    public DateTimeOffset PayoutDate { get; init; }
    public string CurrencyCode { get; init; } = "";
    public string? MerchantSettlementType { get; init; }
    public string? MerchantId { get; init; }
    public KlarnaPayoutTotals Totals { get; init; } = new();
}

/// <summary>One line of a payout: a sale (a capture), a return (a refund), a fee, a holdback…</summary>
public sealed record KlarnaSettlementTransaction
{
    public long Amount { get; init; }
    public string Type { get; init; } = "";
    public string? DetailedType { get; init; }
    public string OrderId { get; init; } = "";
    public string? CaptureId { get; init; }
    public string? RefundId { get; init; }
    public string? PaymentReference { get; init; }
    public string CurrencyCode { get; init; } = "";
    public string? PurchaseCountry { get; init; }
    public DateTimeOffset SaleDate { get; init; }
    public DateTimeOffset CaptureDate { get; init; }
    public string? MerchantReference1 { get; init; }
    public string? MerchantReference2 { get; init; }
    public string? MerchantCaptureReference { get; init; }
    public string? MerchantRefundReference { get; init; }
    public string? ShortOrderId { get; init; }
}

public sealed record KlarnaPagination(int Count, int? Total = null, string? Next = null, string? Prev = null, int? Offset = null);

public sealed record KlarnaPayoutPage(IReadOnlyList<KlarnaPayout> Payouts, KlarnaPagination Pagination);

public sealed record KlarnaSettlementTransactionPage(IReadOnlyList<KlarnaSettlementTransaction> Transactions, KlarnaPagination Pagination);
