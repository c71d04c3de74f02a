using System.Security.Cryptography;
using BackOffice.Klarna;
using Microsoft.AspNetCore.DataProtection;

namespace BackOffice.Web.Features.Channels;

/// <summary>Encrypts shared secrets at rest; the plaintext exists only on the way in and on the way to Klarna.</summary>
public sealed class SharedSecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("BackOffice.Channels.SharedSecret.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public KlarnaCredentials Credentials(PaymentService service)
    {
        if (service.MerchantId is not { } merchantId || service.ProtectedSecret is not { } protectedSecret)
            throw new BusinessRuleException("Set the merchant ID and the shared secret of {0} first.", service.Kind);
        try
        {
            return new KlarnaCredentials(merchantId, protector.Unprotect(protectedSecret), service.Environment);
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The shared secret of {0} cannot be decrypted (the key ring changed); enter it again.", service.Kind);
        }
    }
}
