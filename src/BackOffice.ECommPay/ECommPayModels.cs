namespace BackOffice.ECommPay;

/// <summary>One ECommPay project: its id and secret key, at a base address (ECommPay's, or a sandbox's). Test and live are separate projects.</summary>
public sealed record ECommPayProject(Uri BaseAddress, long ProjectId, string SecretKey)
{
    public static readonly Uri Gate = new("https://api.ecommpay.com/");
    public static readonly Uri PaymentPage = new("https://paymentpage.ecommpay.com/");
}

/// <summary>A refund of a purchase: whole (no amount) or part; <paramref name="MerchantRefundId"/> is ours and makes a repeat detectable (3230).</summary>
public sealed record ECommPayRefund(string PaymentId, string MerchantRefundId, string Description, string CustomerIp, long? Amount = null, string? Currency = null, Uri? CallbackUrl = null);

/// <summary>A refund ECommPay took: decided later, by its callback or a status answer.</summary>
public sealed record ECommPayRefundAccepted(string RequestId, string PaymentId);

/// <summary>An amount in minor units.</summary>
public sealed record ECommPaySum(long Amount, string Currency);

/// <summary>One operation of a payment (the sale, each refund) as a status answer or a callback gives it.</summary>
public sealed record ECommPayOperation(long Id, string Type, string Status, string? RequestId, string? MerchantRefundId, ECommPaySum? SumInitial, string? Code, string? Message, DateTimeOffset? Date);

/// <summary>A payment as <c>/v2/payment/status</c> answers it.</summary>
public sealed record ECommPayPayment(long ProjectId, string Id, string Status, string? Method, ECommPaySum? Sum, IReadOnlyList<ECommPayOperation> Operations)
{
    /// <summary>Our refund among the operations, by the refund id we sent, or by ECommPay's request id.</summary>
    public ECommPayOperation? Refund(string merchantRefundId, string? requestId = null) =>
        Operations.FirstOrDefault(o => o.Type is "refund" or "reversal" && (o.MerchantRefundId == merchantRefundId || requestId is not null && o.RequestId == requestId));
}

/// <summary>A Sofort purchase on ECommPay's payment page (amounts in minor units; EUR, GBP or PLN).</summary>
public sealed record ECommPayPurchase(string PaymentId, long Amount, string Currency, string CustomerId, string? Description = null, string? LanguageCode = null,
    string? CustomerEmail = null, string? CustomerFirstName = null, string? CustomerLastName = null, string? CustomerCountry = null, Uri? CallbackUrl = null);
