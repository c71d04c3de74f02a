namespace BackOffice.CardAcquirer;

/// <summary>
/// The merchant's card acquirer, as the back office needs it to charge a card it holds for a moment (a virtual card):
/// authorize, capture, refund, void, and find a payment by the merchant's reference when an answer was lost. One
/// adapter now (<see cref="SandboxCardAcquirer"/>); a real acquirer's API (Computop Paygate's cards, Adyen, Stripe)
/// fits behind the same port. Every call that changes money carries an idempotency key, so that a repeat after a
/// known failure cannot charge twice.
/// </summary>
public interface ICardAcquirer
{
    /// <summary>
    /// Authorizes the charge on the card. A decline is an answer (<see cref="AcquirerPaymentStatus.Declined"/>), not
    /// an exception; a lost answer is <see cref="AcquirerOutcomeUnknownException"/>: look the reference up with
    /// <see cref="FindAsync"/>, never authorize again blindly.
    /// </summary>
    Task<AcquirerPayment> AuthorizeAsync(AcquirerCharge charge, CardToCharge card, string idempotencyKey, CancellationToken cancellationToken = default);

    Task<AcquirerPayment> CaptureAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default);

    Task<AcquirerPayment> RefundAsync(string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken = default);

    Task<AcquirerPayment> VoidAsync(string paymentId, string idempotencyKey, CancellationToken cancellationToken = default);

    Task<AcquirerPayment> GetAsync(string paymentId, CancellationToken cancellationToken = default);

    /// <summary>The latest payment made with the merchant's reference, declined ones too, or null when there is none.</summary>
    Task<AcquirerPayment?> FindAsync(string merchantReference, CancellationToken cancellationToken = default);
}

/// <summary>What to charge: the merchant's reference (unique per charge, for finding it again), the amount in minor units.</summary>
public sealed record AcquirerCharge(string MerchantReference, long Amount, string Currency);

public enum AcquirerPaymentStatus
{
    Authorized,
    Captured,
    Refunded,
    Voided,
    Declined,
}

/// <summary>A payment at the acquirer, as far as it may be kept: the card only by brand, last four digits and expiry.</summary>
public sealed record AcquirerPayment(
    string PaymentId, string MerchantReference, AcquirerPaymentStatus Status, string Currency,
    long AuthorizedAmount, long CapturedAmount, long RefundedAmount,
    string? CardBrand, string? LastFour, int? ExpiryMonth, int? ExpiryYear, string? DeclineCode = null);

/// <summary>
/// A card's number and security code as ASCII digits, borrowed from the buffers that hold them (cleared by their owner
/// after the charge); never turned into a string here.
/// </summary>
public sealed class CardToCharge(ReadOnlyMemory<byte> number, ReadOnlyMemory<byte> securityCode, int expiryMonth, int expiryYear, string? holder)
{
    public ReadOnlyMemory<byte> Number { get; } = number;
    public ReadOnlyMemory<byte> SecurityCode { get; } = securityCode;
    public int ExpiryMonth { get; } = expiryMonth;
    public int ExpiryYear { get; } = expiryYear;
    public string? Holder { get; } = holder;
}

public abstract class AcquirerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The acquirer answered and refused the call (an amount beyond what is left, a payment in another state): nothing was done.</summary>
public sealed class AcquirerRefusedException(int status, string code, string text)
    : AcquirerException($"The card acquirer refused ({status} {code}): {text}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>The acquirer could not be reached, or did not answer a read: nothing was done.</summary>
public sealed class AcquirerUnavailableException(string operation, string reason, Exception? inner = null)
    : AcquirerException($"The card acquirer could not be reached for {operation}: {reason}", inner);

/// <summary>A call that changes money got no answer it could read: it may have been carried out. Look it up before anything else.</summary>
public sealed class AcquirerOutcomeUnknownException(string operation, string reason, Exception? inner = null)
    : AcquirerException($"The outcome of {operation} at the card acquirer is unknown: {reason}", inner)
{
    public string Operation { get; } = operation;
}
