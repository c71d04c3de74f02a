using System.Security.Claims;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Klarna.PClasses;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// The seed's "Initialize": test connectivity, prove the credentials, download the PClasses of every configured
/// country and currency, and store them. Nothing is written unless every download succeeded.
/// </summary>
public sealed partial class ConnectorInitializer(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    IKlarnaGateway gateway,
    SharedSecretProtector secrets,
    PClassFileStore pclassFiles,
    IOptions<KlarnaOptions> options,
    TimeProvider time,
    ILogger<ConnectorInitializer> logger)
{
    public async Task<ServiceInitialization> InitializeAsync(ClaimsPrincipal user, string code, ServiceKind kind, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Administrator);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Code == code, cancellationToken)
            ?? throw new BusinessRuleException("There is no channel '{0}'.", code);
        var service = await db.PaymentServiceAsync(channel.Id, kind, cancellationToken);
        var credentials = secrets.Credentials(service);

        var (succeeded, pclassCount, fileCount, message) = await DownloadAsync(credentials, kind, cancellationToken);
        var initialization = new ServiceInitialization(time.GetUtcNow(), user.Name(), service.Environment, credentials.MerchantId,
            succeeded, pclassCount, fileCount, message);
        service.RecordInitialization(initialization);
        db.AuditEntries.Add(new AuditEntry(initialization.At, user.Name(), "Channels", "Initialized",
            $"{code} / {kind.Name}", new("{0}, eid {1}: {2}", service.Environment, credentials.MerchantId, message), succeeded));
        await db.SaveChangesAsync(cancellationToken);
        LogInitialized(code, kind, service.Environment, credentials.MerchantId, succeeded, message.ToString());
        return initialization;
    }

    private async Task<(bool Succeeded, int PClasses, int Files, Message Message)> DownloadAsync(
        KlarnaCredentials credentials, ServiceKind kind, CancellationToken cancellationToken)
    {
        var markets = options.Value.MarketsFor(kind).ToList();
        if (markets.Count == 0)
            return (false, 0, 0, new("No country and currency is configured for {0} (Klarna:Currencies, Klarna:Countries).", kind.Name));

        var downloaded = new Dictionary<(KlarnaCountry, KlarnaCurrency), IReadOnlyList<StoredPClass>>();
        try
        {
            await gateway.PingAsync(credentials.Environment, cancellationToken);
            foreach (var market in markets)
            {
                var pclasses = await gateway.GetPClassesAsync(credentials, market.Country, market.Currency, market.Language, cancellationToken);
                downloaded[(market.Country, market.Currency)] = [.. pclasses.Select(p => StoredPClass.From(p, credentials.MerchantId))];
            }
            await pclassFiles.WriteAsync(credentials.MerchantId, downloaded, cancellationToken);
        }
        catch (KlarnaFaultException fault)
        {
            return (false, 0, 0, Explain(fault, credentials));
        }
        catch (KlarnaUnavailableException unavailable)
        {
            return (false, 0, 0, new("The Klarna {0} gateway could not be reached ({1}).", credentials.Environment, unavailable.Message));
        }
        catch (PClassFileException file)
        {
            return (false, 0, 0, new("The PClasses were downloaded but not stored: {0} Fix or remove the file and initialize again.", file.Message));
        }
        catch (IOException io)
        {
            return (false, 0, 0, new("The PClasses were downloaded but could not be written to {0}: {1}", pclassFiles.Directory, io.Message));
        }

        var count = downloaded.Values.Sum(p => p.Count);
        var where = string.Join(", ", downloaded.Keys.Select(k => $"{k.Item1}/{k.Item2}"));
        return (true, count, downloaded.Count, new("Connected; {0} PClasses downloaded for {1}.", count, where));
    }

    private static Message Explain(KlarnaFaultException fault, KlarnaCredentials credentials) => fault.Code switch
    {
        KlarnaFaultCode.UnknownEstore => new("Klarna does not know merchant ID {0} in the {1} environment.", credentials.MerchantId, credentials.Environment),
        KlarnaFaultCode.InvalidEstoreSecret => new("The shared secret is wrong for merchant ID {0}.", credentials.MerchantId),
        KlarnaFaultCode.Currency => new("Klarna refused a country and currency of the configuration (Klarna:Countries)."),
        _ => new("Klarna refused the request: fault {0} ({1}).", fault.RawCode, fault.FaultString),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialized {Channel} {Service} in {Environment} for eid {Eid}: succeeded {Succeeded}, {Message}")]
    private partial void LogInitialized(string channel, ServiceKind service, ProviderEnvironment environment, int eid, bool succeeded, string message);
}
