using System.Security.Cryptography;
using BackOffice.ECommPay;
using BackOffice.ECommPay.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// The client and project of a channel's Klarna (Sofort) service. The secret key is encrypted at rest; the plaintext
/// exists only on the way in and when a message is signed. With the sandbox mounted in the app, a test service that
/// names no address talks to it.
/// </summary>
public sealed class ECommPayConnections(
    IDbContextFactory<BackOfficeDbContext> databases,
    IDataProtectionProvider protection,
    IHttpClientFactory httpClients,
    IOptions<ECommPayOptions> options,
    OwnAddress ownAddress,
    IConfiguration configuration)
{
    public const string HttpClientName = "ECommPay";

    private readonly IDataProtector protector = protection.CreateProtector("BackOffice.ECommPay.Secrets.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public Uri GateOf(ECommPayService service) => Address(service.BaseUrl, service.UseLive, ECommPayProject.Gate);

    public Uri PaymentPageOf(ECommPayService service) => Address(service.PaymentPageUrl, service.UseLive, ECommPayProject.PaymentPage);

    public ECommPayClient Client()
    {
        var http = httpClients.CreateClient(HttpClientName);
        http.Timeout = options.Value.Timeout;
        return new ECommPayClient(http);
    }

    public ECommPayProject Project(ECommPayService service)
    {
        if (service.ProjectId is not { } projectId || service.ProtectedSecretKey is not { } key)
            throw new BusinessRuleException("Set the project id and secret key of Klarna (Sofort) via ECommPay first.");
        try
        {
            return new ECommPayProject(GateOf(service), projectId, protector.Unprotect(key));
        }
        catch (CryptographicException)
        {
            throw new BusinessRuleException("The secret key of Klarna (Sofort) via ECommPay cannot be decrypted (the key ring changed); enter it again.");
        }
    }

    /// <summary>The project of a transaction's channel, as its service holds it now.</summary>
    public async Task<(ECommPayService Service, ECommPayProject Project)> ForAsync(Transaction transaction)
    {
        await using var db = await databases.CreateDbContextAsync();
        var service = await db.ECommPayServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == transaction.ChannelId)
            ?? throw new BusinessRuleException("The channel of this transaction has no Klarna (Sofort) service any more.");
        return (service, Project(service));
    }

    private Uri Address(string? configured, bool live, Uri ecommpays) =>
        configured is { } url ? new Uri(url.EndsWith('/') ? url : url + "/")
        : !live && SandboxMount.PathOf(configuration, ECommPaySandboxOptions.Section) is { } path ? ownAddress.Of(path)
        : ecommpays;
}
