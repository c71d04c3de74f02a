using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BackOffice.Web.Features.Webhooks;

/// <summary>Endpoints' signing secrets: made here, kept encrypted with the app's key ring, readable only to sign.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.Webhooks.Secrets.v1");

    /// <summary>A new secret: its plaintext (shown once) and what is kept.</summary>
    public (string Plaintext, string Protected) Create()
    {
        var plaintext = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (plaintext, protector.Protect(plaintext));
    }

    public IEnumerable<string> SigningSecrets(WebhookEndpoint endpoint, DateTimeOffset at) => endpoint.ProtectedSecretsAt(at).Select(protector.Unprotect);
}
