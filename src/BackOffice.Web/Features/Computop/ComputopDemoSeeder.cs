using System.Globalization;
using System.Security.Claims;
using BackOffice.Computop.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// In Development, the channel <c>Seed:DemoComputopChannel</c> with its Computop service on a sandbox merchant, and
/// orders in every state made the real way: the shop's authorization at the mounted sandbox, whose notification makes
/// the transaction here, then the money actions through Paygate. It waits until the app listens (all of it is HTTP).
/// </summary>
internal sealed partial class ComputopDemoSeeder(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    IHostEnvironment environment,
    IOptions<ComputopSandboxOptions> sandbox,
    OwnAddress ownAddress,
    TimeProvider time,
    ILogger<ComputopDemoSeeder> logger) : BackgroundService
{
    private static readonly string[] FirstNames = ["Lena", "Paul", "Marie", "Felix", "Hanna", "Ben", "Clara", "Tom", "Ida", "Emil"];
    private static readonly string[] LastNames = ["Schmidt", "Weber", "Fischer", "Wagner", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter", "Klein"];

    /// <summary>The demo channel and its Computop service, made at start-up when missing.</summary>
    public async Task SeedChannelAsync()
    {
        if (Demo() is not var (code, merchant))
            return;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        if (await db.Channels.AnyAsync(c => c.Code == code))
            return;
        var channel = new Channel(code, configuration["Seed:DemoComputopChannel:Name"] ?? code);
        db.Channels.Add(channel);
        await db.SaveChangesAsync();
        var connections = scope.ServiceProvider.GetRequiredService<ComputopConnections>();
        var service = new ComputopService(channel.Id);
        service.Configure(new ComputopServiceSettings(true, merchant.MerchantId, UseLive: false, BaseUrl: null),
            connections.Protect(merchant.HmacKey), connections.Protect(merchant.BlowfishPassword));
        db.ComputopServices.Add(service);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), "system", "Channels", "Channel created", code, new Message("Development demo channel on a Computop sandbox merchant")));
        await db.SaveChangesAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = configuration.GetValue("Seed:DemoComputopChannel:Transactions", 0);
        if (Demo() is not var (code, merchant) || count <= 0 || !await lifetime.StartedAsync(stoppingToken))
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var databases = scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
            int channelId;
            await using (var db = await databases.CreateDbContextAsync(stoppingToken))
            {
                channelId = await db.Channels.Where(c => c.Code == code).Select(c => c.Id).SingleAsync(stoppingToken);
                if (await db.Transactions.AnyAsync(t => t.ChannelId == channelId, stoppingToken))
                    return;
            }
            using var http = new HttpClient { BaseAddress = ownAddress.Of(SandboxMount.PathOf(configuration, ComputopSandboxOptions.Section)!) };
            var notifyUrl = new Uri(ownAddress.Of("/notify/computop"), code).ToString();
            // Made by the seeded administrator: money actions check that their actor is a member of staff.
            if (await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeededAdministratorAsync() is not { } seeder)
                return;
            var transactions = scope.ServiceProvider.GetRequiredService<TransactionService>();
            for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
                await SeedOneAsync(i, seeder, channelId, merchant.MerchantId, notifyUrl, http, databases, transactions, stoppingToken);
            LogSeeded(count, code);
        }
        catch (Exception e) when (e is HttpRequestException or BusinessRuleException or DbUpdateException or TimeoutException)
        {
            LogFailed(e);
        }
    }

    /// <summary>The demo channel's code and sandbox merchant: only in Development, with the sandbox mounted and the merchant known to it.</summary>
    private (string Code, ComputopSandboxMerchant Merchant)? Demo() =>
        environment.IsDevelopment() && configuration["Seed:DemoComputopChannel:Code"] is { Length: > 0 } code
            && SandboxMount.PathOf(configuration, ComputopSandboxOptions.Section) is not null
            && sandbox.Value.Merchants.FirstOrDefault(m => m.MerchantId == configuration["Seed:DemoComputopChannel:MerchantId"]) is { } merchant
            ? (code, merchant)
            : null;

    private static async Task SeedOneAsync(int i, ClaimsPrincipal seeder, int channelId, string merchantId, string notifyUrl, HttpClient http,
        IDbContextFactory<BackOfficeDbContext> databases, TransactionService transactions, CancellationToken cancellationToken)
    {
        var (first, last) = (FirstNames[i % FirstNames.Length], LastNames[i / 3 % LastNames.Length]);
        var orderNumber = $"KP-{20_000 + i}";
        var price = 1_500L + i * 53 % 8_000;
        var order = new ComputopOrderData("DE", "EUR",
            new ComputopOrderData.Person(first, last, $"{first}.{last}@example.com".ToLowerInvariant()),
            new ComputopOrderData.Place("Königsallee", (1 + i % 90).ToString(CultureInfo.InvariantCulture), "40212", "Düsseldorf"),
            [new("SKU-" + (200 + i % 40).ToString(CultureInfo.InvariantCulture), "Sneaker", 2, price, 1900), new("SHIP", "Shipping", 1, 495, 1900)]);
        using var response = await http.PostAsJsonAsync("_sandbox/payments", new
        {
            MerchantId = merchantId, TransId = orderNumber, order.Amount, order.Currency, NotifyUrl = notifyUrl, RefNr = orderNumber, UserData = order.Encode(),
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var id = await ArrivedAsync(databases, channelId, orderNumber, cancellationToken);
        var sku = order.Lines[0].Reference;
        switch (i % 8)
        {
            case 2:
                await transactions.CaptureAsync(seeder, id, new CaptureRequest(Lines: [new LineQuantity(sku, 1)]));
                break;
            case 3:
                await transactions.CaptureAsync(seeder, id, new CaptureRequest(Lines: [new LineQuantity(sku, 2)], Final: true, Reason: "shipping waived"));
                break;
            case 4 or 5 or 6:
                var invoice = (await transactions.CaptureAsync(seeder, id, CaptureRequest.Remaining())).InvoiceNumber!;
                if (i % 8 == 5)
                    await transactions.RefundAsync(seeder, id, new RefundRequest(invoice, Lines: [new LineQuantity(sku, 1)], Reason: "returned one"));
                if (i % 8 == 6)
                    await transactions.RefundAsync(seeder, id, new RefundRequest(invoice, Reason: "returned everything"));
                break;
            case 7:
                await transactions.CancelAsync(seeder, id, "customer cancelled");
                break;
        }
    }

    /// <summary>The transaction Paygate's notification made, once it arrived.</summary>
    private static async Task<Guid> ArrivedAsync(IDbContextFactory<BackOfficeDbContext> databases, int channelId, string orderNumber, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                if (await db.Transactions.Where(t => t.ChannelId == channelId && t.OrderNumber == orderNumber).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(cancellationToken) is { } id)
                    return id;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"The notification of order {orderNumber} did not arrive.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} Klarna Payments demo orders for channel {Channel} through the Computop sandbox")]
    private partial void LogSeeded(int count, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding Klarna Payments demo orders stopped")]
    private partial void LogFailed(Exception exception);
}
