namespace BackOffice.Computop;

/// <summary>A merchant at Computop Paygate: its MerchantID, the HMAC key of its MACs and the Blowfish password of its Data.</summary>
public sealed record PaygateCredentials(string MerchantId, string HmacKey, string BlowfishPassword)
{
    public override string ToString() => $"PaygateCredentials {{ MerchantId = {MerchantId} }}";
}
