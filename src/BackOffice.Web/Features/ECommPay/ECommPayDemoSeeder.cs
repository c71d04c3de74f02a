using BackOffice.ECommPay.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>
/// In Development, the channel <c>Seed:DemoECommPayChannel</c> with Klarna (Sofort) on the sandbox's project, and
/// payments made the real way: started through the checkout, paid on the sandbox (whose callback opens the
/// transaction), some refunded in part or in full through the pages' refund. It waits until the app listens.
/// </summary>
internal sealed partial class ECommPayDemoSeeder(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    IHostEnvironment environment,
    IOptions<ECommPaySandboxOptions> sandboxOptions,
    ECommPaySandbox sandbox,
    TimeProvider time,
    ILogger<ECommPayDemoSeeder> logger) : BackgroundService
{
    private const string Section = "Seed:DemoECommPayChannel";
    private static readonly string[] FirstNames = ["Jana", "Max", "Leonie", "Paul", "Nora", "Tim", "Amelie", "Jan", "Mila", "Theo"];

    /// <summary>The demo channel and its service, made at start-up when missing.</summary>
    public async Task SeedChannelAsync()
    {
        if (Demo() is not var (code, project))
            return;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        if (await db.Channels.AnyAsync(c => c.Code == code))
            return;
        var channel = new Channel(code, configuration[$"{Section}:Name"] ?? code);
        db.Channels.Add(channel);
        await db.SaveChangesAsync();
        var service = new ECommPayService(channel.Id);
        service.Configure(new ECommPayServiceSettings(true, project.ProjectId, UseLive: false, null, null), scope.ServiceProvider.GetRequiredService<ECommPayConnections>().Protect(project.SecretKey));
        db.ECommPayServices.Add(service);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), "system", "Channels", "Channel created", code, new Message("Development demo channel on an ECommPay sandbox project")));
        await db.SaveChangesAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = configuration.GetValue($"{Section}:Transactions", 0);
        if (Demo() is not var (code, project) || count <= 0 || !await lifetime.StartedAsync(stoppingToken))
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var databases = services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
            await using (var db = await databases.CreateDbContextAsync(stoppingToken))
            {
                if (await (from t in db.Transactions join c in db.Channels on t.ChannelId equals c.Id where c.Code == code select t).AnyAsync(stoppingToken))
                    return;
            }
            if (await services.GetRequiredService<IdentitySeeder>().SeededAdministratorAsync() is not { } seeder)
                return;
            for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
                await SeedOneAsync(i, code, project, seeder, services, stoppingToken);
            LogSeeded(count, code);
        }
        catch (Exception e) when (e is HttpRequestException or BusinessRuleException or DbUpdateException or InvalidOperationException or TimeoutException)
        {
            LogFailed(e);
        }
    }

    /// <summary>The demo channel's code and sandbox project: only in Development, with the sandbox mounted and the project known to it.</summary>
    private (string Code, ECommPaySandboxProject Project)? Demo() =>
        environment.IsDevelopment() && configuration[$"{Section}:Code"] is { Length: > 0 } code
            && SandboxMount.PathOf(configuration, ECommPaySandboxOptions.Section) is not null
            && sandboxOptions.Value.Projects.FirstOrDefault(p => p.ProjectId == configuration.GetValue<long>($"{Section}:ProjectId")) is { } project
            ? (code, project)
            : null;

    /// <summary>
    /// One payment: started as a shop would, then paid (or, one in ten, cancelled by the customer, which leaves no
    /// transaction) on the sandbox, whose callback opens it; then refunded in part, in full, or not at all.
    /// </summary>
    private async Task SeedOneAsync(int i, string channel, ECommPaySandboxProject project, System.Security.Claims.ClaimsPrincipal seeder, IServiceProvider services, CancellationToken cancellationToken)
    {
        var first = FirstNames[i % FirstNames.Length];
        var orderNumber = $"KE-{40_000 + i}";
        var started = await services.GetRequiredService<ECommPayCheckout>().StartAsync(channel, new SofortPaymentRequest(orderNumber, "EUR", "DE", "de",
            [new("SKU-" + (400 + i % 30), "Backpack", 1 + i % 2, 3_900 + i * 37 % 4_000, 19), new("SHIP", "Shipping", 1, 495, 19)],
            new SofortCustomer(first, "Schneider", $"{first.ToLowerInvariant()}.schneider@example.com")), cancellationToken);
        var paid = sandbox.Purchase(project, started.PaymentId, started.Amount, started.Currency, $"order-{orderNumber}", $"Order {orderNumber}",
            services.GetRequiredService<PublicAddress>().Of($"notify/ecommpay/{Uri.EscapeDataString(channel)}").ToString(), approve: i % 10 != 9);
        if (paid is not { Status: "success" })
            return;
        var id = await ArrivedAsync(services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>(), orderNumber, cancellationToken);
        var transactions = services.GetRequiredService<TransactionService>();
        var sale = paid.Sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (i % 10 is 3 or 4)
            await transactions.RefundAsync(seeder, id, new RefundRequest(sale, 1_000, Reason: "returned a part"));
        else if (i % 10 is 5)
            await transactions.RefundAsync(seeder, id, new RefundRequest(sale, started.Amount, Reason: "returned everything"));
    }

    /// <summary>The transaction ECommPay's callback opened, once it arrived.</summary>
    private static async Task<Guid> ArrivedAsync(IDbContextFactory<BackOfficeDbContext> databases, string orderNumber, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                if (await db.Transactions.Where(t => t.OrderNumber == orderNumber).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(cancellationToken) is { } id)
                    return id;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"ECommPay's callback of order {orderNumber} did not arrive.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} Klarna (Sofort) demo payments for channel {Channel} through the ECommPay sandbox")]
    private partial void LogSeeded(int count, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ECommPay demo payments could not all be seeded")]
    private partial void LogFailed(Exception exception);
}
