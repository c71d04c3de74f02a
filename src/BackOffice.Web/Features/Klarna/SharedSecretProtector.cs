using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Encrypts shared secrets at rest; the plaintext exists only on the way in and on the way to the provider.</summary>
public sealed class SharedSecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("BackOffice.Channels.SharedSecret.v1");

    public string Protect(string secret) => protector.Protect(secret);

    /// <summary>The service's merchant and its shared secret in plaintext, on the way to the provider.</summary>
    public (int MerchantId, string SharedSecret) Reveal(PaymentService service)
    {
        if (service.MerchantId is not { } merchantId || service.ProtectedSecret is not { } protectedSecret)
            throw new BusinessRuleException("Set the merchant ID and the shared secret of {0} first.", service.Kind);
        try
        {
            return (merchantId, protector.Unprotect(protectedSecret));
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The shared secret of {0} cannot be decrypted (the key ring changed); enter it again.", service.Kind);
        }
    }
}
