namespace BackOffice.Computop;

/// <summary>The codes the back office tells apart (PROTOCOL.md §4; the sandbox answers the same).</summary>
public static class PaygateCodes
{
    public const string Success = "00000000";

    /// <summary>Data or Len could not be read: the Blowfish password does not match.</summary>
    public const string DataBad = "40010001";

    /// <summary>The MAC does not match: the HMAC key does not.</summary>
    public const string MacBad = "40010002";

    /// <summary>Paygate does not know the MerchantID (answered in the clear).</summary>
    public const string UnknownMerchant = "40010003";

    public const string PaymentNotFound = "29990008";
}
