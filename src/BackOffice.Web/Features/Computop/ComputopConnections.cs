using System.Security.Cryptography;
using BackOffice.Computop;
using BackOffice.Computop.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// The client and credentials of a channel's Computop service. Its secrets are encrypted at rest; the plaintext exists
/// only on the way in and on the way to Paygate. With the sandbox mounted in the app, a test service that names no
/// address talks to it.
/// </summary>
public sealed class ComputopConnections(
    IDbContextFactory<BackOfficeDbContext> databases,
    IDataProtectionProvider protection,
    IHttpClientFactory httpClients,
    IOptions<ComputopOptions> options,
    OwnAddress ownAddress,
    IConfiguration configuration)
{
    public const string HttpClientName = "Computop";

    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.Computop.Secrets.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public Uri BaseUrlOf(ComputopService service) =>
        service.BaseUrl is { } url ? new Uri(url.EndsWith('/') ? url : url + "/")
        : !service.UseLive && SandboxMount.PathOf(configuration, ComputopSandboxOptions.Section) is { } path ? ownAddress.Of(path)
        : options.Value.BaseUrl;

    public ComputopClient ClientFor(ComputopService service)
    {
        var http = httpClients.CreateClient(HttpClientName);
        http.BaseAddress = BaseUrlOf(service);
        http.Timeout = options.Value.Timeout;
        return new ComputopClient(http);
    }

    public PaygateCredentials Credentials(ComputopService service)
    {
        if (service.MerchantId is not { } merchantId || service.ProtectedHmacKey is not { } hmacKey || service.ProtectedBlowfishPassword is not { } password)
            throw new BusinessRuleException("Set the merchant ID, the HMAC key and the Blowfish password of Klarna Payments (Computop) first.");
        try
        {
            return new PaygateCredentials(merchantId, protector.Unprotect(hmacKey), protector.Unprotect(password));
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The secrets of Klarna Payments (Computop) cannot be decrypted (the key ring changed); enter them again.");
        }
    }

    /// <summary>The client and credentials for a transaction: its own merchant, with the secrets its channel's service holds now.</summary>
    public async Task<(ComputopClient Client, PaygateCredentials Credentials)> ForAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await db.ComputopServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == transaction.ChannelId)
            ?? throw new BusinessRuleException("The channel of this transaction has no Computop service any more.");
        return (ClientFor(service), Credentials(service) with { MerchantId = transaction.Merchant });
    }
}
