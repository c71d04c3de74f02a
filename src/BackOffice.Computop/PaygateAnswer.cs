using System.Globalization;

namespace BackOffice.Computop;

/// <summary>How an answer ends the call, from the first character of its <c>Code</c> (Paygate's A4 codes).</summary>
public enum PaygateOutcome
{
    /// <summary><c>0…</c>: done.</summary>
    Succeeded,

    /// <summary><c>2…</c> an error, <c>4…</c> a fatal one (a missing parameter, encryption): nothing happened.</summary>
    Refused,

    /// <summary><c>6…</c>: the final status follows by notification or inquiry.</summary>
    Pending,

    /// <summary>Anything else (<c>7…</c>, no code): it is not known whether it happened.</summary>
    Unknown,
}

/// <summary>One answer of Paygate, decrypted: the payment, this step's XID, its status and code, and what it reports.</summary>
public sealed record PaygateAnswer(IReadOnlyDictionary<string, string> Fields)
{
    public string? MerchantId => Field("mid") ?? Field("MerchantID");

    public string? PayId => Field("PayID");

    /// <summary>This single step's id at Paygate.</summary>
    public string? XId => Field("XID");

    public string? TransId => Field("TransID");

    public string? Status => Field("Status");

    public string? Code => Field("Code");

    public string? Description => Field("Description");

    /// <summary>Klarna's invoice number of a capture, or its credit note's of a credit.</summary>
    public string? InvoiceNumber => Field("InvoiceNr");

    public string? Mac => Field("MAC");

    /// <summary>An inquiry's amounts, in minor units.</summary>
    public long? AmountAuthorized => Amount("AmountAuth");

    public long? AmountCaptured => Amount("AmountCap");

    public long? AmountCredited => Amount("AmountCred");

    public PaygateOutcome Outcome => Code is { Length: > 0 } code ? code[0] switch
    {
        '0' => PaygateOutcome.Succeeded,
        '2' or '4' => PaygateOutcome.Refused,
        '6' => PaygateOutcome.Pending,
        _ => PaygateOutcome.Unknown,
    } : PaygateOutcome.Unknown;

    /// <summary>
    /// An inquiry about a payment Paygate does not have. Paygate documents it by its words (Status FAILED, Description
    /// PAYMENT NOT FOUND), not by a code; the sandbox answers with its own code as well.
    /// </summary>
    public bool IsPaymentNotFound =>
        Code == PaygateCodes.PaymentNotFound
        || Outcome == PaygateOutcome.Refused && !IsFatal && string.Equals(Description?.Trim(), "PAYMENT NOT FOUND", StringComparison.OrdinalIgnoreCase);

    /// <summary>A <c>4…</c> code: the request itself is wrong (configuration or code), not the payment's state.</summary>
    public bool IsFatal => Code is ['4', ..];

    private string? Field(string key) => Fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private long? Amount(string key) => long.TryParse(Field(key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
