using System.Security.Cryptography;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// The client and credentials of a channel's Klarna Payments (direct) service. The password is encrypted at rest; the
/// plaintext exists only on the way in and on the way to Klarna. With the sandbox mounted in the app, a playground
/// service that names no address talks to it.
/// </summary>
public sealed class KlarnaRestConnections(
    IDbContextFactory<BackOfficeDbContext> databases,
    IDataProtectionProvider protection,
    IHttpClientFactory httpClients,
    IOptions<KlarnaRestOptions> options,
    OwnAddress ownAddress,
    IConfiguration configuration,
    TimeProvider time)
{
    public const string HttpClientName = "KlarnaRest";

    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.KlarnaRest.Secrets.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public Uri BaseAddressOf(KlarnaRestService service) =>
        service.BaseUrl is { } url ? new Uri(url.EndsWith('/') ? url : url + "/")
        : !service.UseLive && SandboxMount.PathOf(configuration, KlarnaRestSandboxOptions.Section) is { } path ? ownAddress.Of(path)
        : KlarnaHosts.Of(service.Region, service.UseLive);

    public KlarnaRestClient Client()
    {
        var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = options.Value.Timeout;
        return new KlarnaRestClient(http, time);
    }

    public KlarnaRestCredentials Credentials(KlarnaRestService service)
    {
        if (service.Username is not { } username || service.ProtectedPassword is not { } password)
            throw new BusinessRuleException("Set the API username and password of Klarna Payments (direct) first.");
        try
        {
            return new KlarnaRestCredentials(BaseAddressOf(service), username, protector.Unprotect(password));
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The API password of Klarna Payments (direct) cannot be decrypted (the key ring changed); enter it again.");
        }
    }

    /// <summary>The credentials for a transaction: its own merchant (the username it was made with), with the password its channel's service holds now.</summary>
    public async Task<KlarnaRestCredentials> ForAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await db.KlarnaRestServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == transaction.ChannelId)
            ?? throw new BusinessRuleException("The channel of this transaction has no Klarna Payments (direct) service any more.");
        return Credentials(service) with { Username = transaction.Merchant };
    }
}
