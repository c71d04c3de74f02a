using System.Security.Claims;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.PClasses;
using BackOffice.Web.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Channels;

/// <summary>
/// The seed's "Initialize": test connectivity, prove the credentials, download the PClasses of every configured
/// country and currency, and store them. Nothing is written unless every download succeeded.
/// </summary>
public sealed partial class ConnectorInitializer(
    IDbContextFactory<BackOfficeDbContext> databases,
    IAuthorizationService authorization,
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
            ?? throw new BusinessRuleException($"There is no channel '{code}'.");
        var service = channel.Service(kind);
        var credentials = secrets.Credentials(service);

        var (succeeded, pclassCount, fileCount, message) = await DownloadAsync(credentials, kind, cancellationToken);
        var initialization = new ServiceInitialization(time.GetUtcNow(), user.Name(), credentials.Environment, credentials.MerchantId,
            succeeded, pclassCount, fileCount, message);
        service.RecordInitialization(initialization);
        db.AuditEntries.Add(new AuditEntry(initialization.At, user.Name(), "Channels", "Initialized",
            $"{code} / {ServiceNames.Of(kind)}", $"{credentials.Environment}, eid {credentials.MerchantId}: {message}", succeeded));
        await db.SaveChangesAsync(cancellationToken);
        LogInitialized(code, kind, credentials.Environment, credentials.MerchantId, succeeded, message);
        return initialization;
    }

    private async Task<(bool Succeeded, int PClasses, int Files, string Message)> DownloadAsync(
        KlarnaCredentials credentials, ServiceKind kind, CancellationToken cancellationToken)
    {
        var markets = options.Value.MarketsFor(kind).ToList();
        if (markets.Count == 0)
            return (false, 0, 0, $"No country and currency is configured for {ServiceNames.Of(kind)} (Klarna:Currencies, Klarna:Countries).");

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
            return (false, 0, 0, $"The Klarna {credentials.Environment.ToString().ToLowerInvariant()} gateway could not be reached ({unavailable.Message}).");
        }
        catch (PClassFileException file)
        {
            return (false, 0, 0, $"The PClasses were downloaded but not stored: {file.Message} Fix or remove the file and initialize again.");
        }
        catch (IOException io)
        {
            return (false, 0, 0, $"The PClasses were downloaded but could not be written to {pclassFiles.Directory}: {io.Message}");
        }

        var count = downloaded.Values.Sum(p => p.Count);
        var where = string.Join(", ", downloaded.Keys.Select(k => $"{k.Item1}/{k.Item2}"));
        return (true, count, downloaded.Count, $"Connected; {count} PClasses downloaded for {where}.");
    }

    private static string Explain(KlarnaFaultException fault, KlarnaCredentials credentials) => fault.Code switch
    {
        KlarnaFaultCode.UnknownEstore => $"Klarna does not know merchant ID {credentials.MerchantId} in the {credentials.Environment.ToString().ToLowerInvariant()} environment.",
        KlarnaFaultCode.InvalidEstoreSecret => $"The shared secret is wrong for merchant ID {credentials.MerchantId}.",
        KlarnaFaultCode.Currency => "Klarna refused a country and currency of the configuration (Klarna:Countries).",
        _ => $"Klarna refused the request: fault {fault.RawCode} ({fault.FaultString}).",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialized {Channel} {Service} in {Environment} for eid {Eid}: succeeded {Succeeded}, {Message}")]
    private partial void LogInitialized(string channel, ServiceKind service, KlarnaEnvironment environment, int eid, bool succeeded, string message);
}
