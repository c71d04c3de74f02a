namespace BackOffice.ECommPay;

/// <summary>What a code or status tells the back office to do (PROTOCOL.md §5).</summary>
public enum ECommPayOutcome
{
    /// <summary>Done: settle it.</summary>
    Success,

    /// <summary>Refused for good by the provider or by ECommPay's rules (e.g. 3283, more refunded than paid).</summary>
    Declined,

    /// <summary>The request was wrong (a signature, a field, a state that forbids it): no retry, somebody fixes it.</summary>
    Rejected,

    /// <summary>Our refund id was taken already (3230): find that refund.</summary>
    Duplicate,

    /// <summary>Not now (3285 and ECommPay's temporary errors): try again later with the same refund id.</summary>
    RetryLater,

    /// <summary>Not decided yet: wait for the callback or ask again.</summary>
    Pending,
}

/// <summary>ECommPay's codes and statuses, classified as PROTOCOL.md §5 chooses.</summary>
public static class ECommPayCodes
{
    public const string Success = "0";
    public const string GeneralDecline = "20000";
    public const string RefundAboveAmount = "3283";
    public const string DuplicateRefundId = "3230";
    public const string RepeatRefundBlocked = "3285";
    public const string SignatureWrong = "3261";
    public const string SignatureMissing = "3262";
    public const string StatusForbids = "3060";
    public const string PaymentNotFound = "3061";
    public const string CurrencyDiffers = "3284";
    public const string AmountInvalid = "3286";
    public const string DescriptionMissing = "3287";

    private static readonly HashSet<string> Rejections = ["3261", "3262", "2003", "2004", "3023", "3024", "3060", "3061", "3121", "3284", "3286", "3287"];
    private static readonly HashSet<string> Temporary = ["3285", "314", "501", "601", "602"];

    public static ECommPayOutcome Classify(string code) => code switch
    {
        Success => ECommPayOutcome.Success,
        DuplicateRefundId => ECommPayOutcome.Duplicate,
        "9999" => ECommPayOutcome.Pending,
        _ when Temporary.Contains(code) => ECommPayOutcome.RetryLater,
        _ when Rejections.Contains(code) => ECommPayOutcome.Rejected,
        _ => ECommPayOutcome.Declined,
    };

    /// <summary>A payment's or an operation's status: final success, final decline, or still pending.</summary>
    public static ECommPayOutcome ClassifyStatus(string status) => status switch
    {
        "success" or "refunded" or "partially refunded" or "reversed" or "partially reversed" => ECommPayOutcome.Success,
        "decline" => ECommPayOutcome.Declined,
        "error" => ECommPayOutcome.Rejected,
        _ => ECommPayOutcome.Pending,
    };
}
