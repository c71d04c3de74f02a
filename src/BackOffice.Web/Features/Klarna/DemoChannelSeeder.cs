using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// In Development, the channel <c>Seed:DemoChannel</c> with both services on sandbox merchants, ready to initialize.
/// The secrets are the sandbox merchants' (Sandbox:Merchants), so they are written down once.
/// </summary>
internal sealed partial class DemoChannelSeeder(
    IDbContextFactory<BackOfficeDbContext> databases,
    IConfiguration configuration,
    IHostEnvironment environment,
    IOptions<SandboxOptions> sandbox,
    SharedSecretProtector secrets,
    TimeProvider time,
    ILogger<DemoChannelSeeder> logger)
{
    public async Task SeedAsync()
    {
        var demo = configuration.GetSection("Seed:DemoChannel");
        if (!environment.IsDevelopment() || demo["Code"] is not { Length: > 0 } code)
            return;
        await using var db = await databases.CreateDbContextAsync();
        if (await db.Channels.AnyAsync(c => c.Code == code))
            return;

        // Protected first: a new key goes into the key ring, which a transaction held open here would lock out on SQLite.
        var merchants = KlarnaModule.Services
            .Select(kind => (Kind: kind, Merchant: sandbox.Value.Merchants.FirstOrDefault(m => m.Eid == demo.GetValue<int?>($"{kind}Eid"))))
            .Where(s => s.Merchant is not null)
            .Select(s => (s.Kind, s.Merchant!.Eid, Secret: secrets.Protect(s.Merchant.Secret)))
            .ToList();
        // The channel and its services come together or not at all: a channel left without them would never be seeded again.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var channel = new Channel(code, demo["Name"] ?? code);
        db.Channels.Add(channel);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), "system", "Channels", "Channel created", code, new Message("Development demo channel on sandbox merchants")));
        await db.SaveChangesAsync();
        foreach (var (kind, eid, secret) in merchants)
        {
            var service = await db.PaymentServiceAsync(channel.Id, kind);
            service.Configure(
                new PaymentServiceSettings(true, eid, UseLiveGateway: false, DeclinePendingOrders: false, ProhibitMultipleAddresses: false, InvoiceShipment.EMail), secret);
            db.PaymentServices.Add(service);
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        LogSeeded(code);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo channel {Code}")]
    private partial void LogSeeded(string code);
}
