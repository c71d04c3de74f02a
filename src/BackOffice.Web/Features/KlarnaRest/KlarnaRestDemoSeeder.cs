using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.ShopApi;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// In Development, the channel <c>Seed:DemoKlarnaRestChannel</c> with Klarna Payments (direct) on a sandbox merchant,
/// and orders in every state made the real way: a session and the order placed through the shop API's checkout at the
/// mounted sandbox, the customer's approval (or Klarna's fraud review) in between, then the money actions through
/// Order Management; then the channel becomes a marketplace whose order of two sellers is settled by virtual cards, and
/// sells subscriptions through the shop API (paid, on trial, one past due); at the end Klarna closes a payout period
/// and the payout is imported. It waits until the app listens (all of it is HTTP).
/// </summary>
internal sealed partial class KlarnaRestDemoSeeder(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    IHostEnvironment environment,
    IOptions<KlarnaRestSandboxOptions> sandboxOptions,
    KlarnaRestSandbox sandbox,
    TimeProvider time,
    ILogger<KlarnaRestDemoSeeder> logger) : BackgroundService
{
    private const string Section = "Seed:DemoKlarnaRestChannel";
    private static readonly string[] FirstNames = ["Sofia", "Jonas", "Mia", "Lukas", "Emma", "Noah", "Lina", "Elias", "Ella", "Finn"];
    private static readonly string[] LastNames = ["Müller", "Schulz", "Neumann", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause"];

    /// <summary>The demo channel and its service, made at start-up when missing.</summary>
    public async Task SeedChannelAsync()
    {
        if (Demo() is not var (code, merchant))
            return;
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        if (await db.Channels.AnyAsync(c => c.Code == code))
            return;
        var channel = new Channel(code, configuration[$"{Section}:Name"] ?? code);
        db.Channels.Add(channel);
        await db.SaveChangesAsync();
        var service = new KlarnaRestService(channel.Id);
        service.Configure(new KlarnaRestServiceSettings(true, merchant.Username, KlarnaRegion.EU, UseLive: false, BaseUrl: null),
            scope.ServiceProvider.GetRequiredService<KlarnaRestConnections>().Protect(merchant.Password));
        db.KlarnaRestServices.Add(service);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), "system", "Channels", "Channel created", code, new Message("Development demo channel on a Klarna REST sandbox merchant")));
        await db.SaveChangesAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = configuration.GetValue($"{Section}:Transactions", 0);
        if (Demo() is not var (code, _) || count <= 0 || !await lifetime.StartedAsync(stoppingToken))
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            await using (var db = await services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync(stoppingToken))
            {
                if (await (from t in db.Transactions join c in db.Channels on t.ChannelId equals c.Id where c.Code == code select t).AnyAsync(stoppingToken))
                    return;
            }
            // Made by the seeded administrator: money actions check that their actor is a member of staff.
            if (await services.GetRequiredService<IdentitySeeder>().SeededAdministratorAsync() is not { } seeder)
                return;
            for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
                await SeedOneAsync(i, code, seeder, services, stoppingToken);
            await SeedMarketplaceAsync(code, seeder, services, stoppingToken);
            await SeedSubscriptionsAsync(code, seeder, services, stoppingToken);
            sandbox.ClosePayoutPeriod();
            await services.GetRequiredService<KlarnaPayouts>().ImportAsync(KlarnaPayouts.SystemUser, code, 31, stoppingToken);
            LogSeeded(count, code);
        }
        catch (Exception e) when (e is HttpRequestException or BusinessRuleException or DbUpdateException or KlarnaRestException or InvalidOperationException)
        {
            LogFailed(e);
        }
    }

    /// <summary>The demo channel's code and sandbox merchant: only in Development, with the sandbox mounted and the merchant known to it.</summary>
    private (string Code, KlarnaRestSandboxMerchant Merchant)? Demo() =>
        environment.IsDevelopment() && configuration[$"{Section}:Code"] is { Length: > 0 } code
            && SandboxMount.PathOf(configuration, KlarnaRestSandboxOptions.Section) is not null
            && sandboxOptions.Value.Merchants.FirstOrDefault(m => m.Username == configuration[$"{Section}:Username"]) is { } merchant
            ? (code, merchant)
            : null;

    private async Task SeedOneAsync(int i, string channel, ClaimsPrincipal seeder, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (first, last) = (FirstNames[i % FirstNames.Length], LastNames[i / 3 % LastNames.Length]);
        var orderNumber = $"KD-{30_000 + i}";
        var sku = "SKU-" + (300 + i % 40).ToString(CultureInfo.InvariantCulture);
        KlarnaShopLine[] lines = [new(sku, "Rain jacket", 2, 4_900L + i * 71 % 6_000, 19), new("SHIP", "Shipping", 1, 495, 19, IsShipment: true)];
        var state = i % 10;
        var order = await PlaceAsync(channel, orderNumber, lines, (first, last, 1 + i % 90), state is 2 or 3 ? "pending" : "approved", services, cancellationToken);
        var transactions = services.GetRequiredService<TransactionService>();
        var id = order.Id;
        switch (state)
        {
            case 3:
                sandbox.ResolveFraud(order.KlarnaOrderId, KlarnaFraudStatus.Rejected);
                await services.GetRequiredService<KlarnaRestNotifications>().TakeAsync(channel, order.KlarnaOrderId, cancellationToken);
                break;
            case 4:
                await transactions.CaptureAsync(seeder, id, new CaptureRequest(Lines: [new LineQuantity(sku, 1)], Shipment: new Shipment("DHL", $"00340434{i:D10}")));
                break;
            case 5 or 6 or 7:
                var capture = (await transactions.CaptureAsync(seeder, id, new CaptureRequest(Shipment: new Shipment("DPD", $"0{i:D13}")))).InvoiceNumber!;
                if (state == 6)
                    await transactions.RefundAsync(seeder, id, new RefundRequest(capture, Lines: [new LineQuantity(sku, 1)], Reason: "returned one"));
                if (state == 7)
                    await transactions.RefundAsync(seeder, id, new RefundRequest(capture, Reason: "returned everything"));
                break;
            case 1 when i % 20 == 11:
                await ExpireAsync(id, order.KlarnaOrderId, services);
                break;
            case 8:
                await transactions.CancelAsync(seeder, id, "customer cancelled");
                break;
            case 9:
                await transactions.CaptureAsync(seeder, id, new CaptureRequest(Lines: [new LineQuantity(sku, 1)]));
                await transactions.CancelAsync(seeder, id, "the rest is out of stock");
                break;
        }
    }

    /// <summary>An order placed the real way: a session through the shop API's checkout, the customer's approval at the sandbox, the order.</summary>
    private async Task<KlarnaOrderResponse> PlaceAsync(string channel, string orderNumber, KlarnaShopLine[] lines, (string First, string Last, int House) customer, string outcome,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        var checkout = services.GetRequiredService<KlarnaRestCheckout>();
        var session = await checkout.CreateSessionAsync(channel, new KlarnaSessionRequest(orderNumber, "EUR", "DE", "de-DE", lines), cancellationToken);
        var approval = sandbox.Authorize(session.SessionId, outcome);
        var token = (approval.Body as KlarnaRestSandbox.AuthorizeAnswer)?.AuthorizationToken ?? throw new InvalidOperationException($"The sandbox did not approve {orderNumber}.");
        var (first, last, house) = customer;
        var address = new ApiAddress(first, last, null, "Rheinstraße", house.ToString(CultureInfo.InvariantCulture), null, "55116", "Mainz", "DE", null,
            $"{first}.{last}@example.com".ToLowerInvariant());
        var request = new KlarnaOrderRequest(orderNumber, token, "EUR", "DE", "de-DE", lines, address, address);
        var placed = await checkout.PlaceOrderAsync(channel, request, JsonSerializer.SerializeToUtf8Bytes(request), cancellationToken);
        return placed.Order ?? throw new InvalidOperationException($"{orderNumber} was not placed: {placed.Problem}");
    }

    /// <summary>
    /// The channel as a marketplace of two sellers, a key for virtual cards enrolled at the sandbox (which stands in for
    /// Klarna's enrolment), and one order of both sellers settled by a virtual card each and charged at the acquirer sandbox.
    /// </summary>
    private async Task SeedMarketplaceAsync(string channel, ClaimsPrincipal administrator, IServiceProvider services, CancellationToken cancellationToken)
    {
        var keys = services.GetRequiredService<VirtualCardKeys>();
        var key = await keys.GenerateAsync(administrator, channel);
        var keyId = services.GetRequiredService<SandboxCardIssuer>().Enrol(key.PublicJwk, out var error) ?? throw new InvalidOperationException(error);
        await keys.EnrolAsync(administrator, channel, key.Id, keyId);
        var sellers = services.GetRequiredService<MarketplaceSellers>();
        await sellers.AddAsync(administrator, channel, "Nordlicht Leuchten", "N-");
        await sellers.AddAsync(administrator, channel, "Südsitz Möbel", "S-");
        KlarnaShopLine[] lines = [new("N-100", "Floor lamp", 1, 8_900, 19), new("N-210", "LED bulb", 4, 450, 19), new("S-300", "Oak chair", 2, 12_900, 19)];
        var order = await PlaceAsync(channel, "KD-MARKET-1", lines, ("Greta", "Vogel", 7), "approved", services, cancellationToken);
        await services.GetRequiredService<TransactionService>().CaptureAsync(administrator, order.Id, CaptureRequest.Remaining());
        await services.GetRequiredService<CardSettlements>().SettleAsync(administrator, order.Id, perSeller: true, multiUse: false, cancellationToken);
    }

    /// <summary>
    /// A package and a campaign with a free trial, sold through the shop API's purchase sessions with the customer's
    /// approval at the sandbox: three paid, one on trial, and one whose next charge Klarna refuses, so it is past due.
    /// </summary>
    private async Task SeedSubscriptionsAsync(string channel, ClaimsPrincipal administrator, IServiceProvider services, CancellationToken cancellationToken)
    {
        var plans = services.GetRequiredService<SubscriptionPlans>();
        var package = await plans.AddAsync(administrator, channel, "digital", "Digital monthly", "EUR", "DE", new PlanTerms(990, 19, BillingInterval.Month, 1));
        await plans.AddAsync(administrator, channel, "try-14", "Two weeks free", "EUR", "DE", new PlanTerms(0, 19, BillingInterval.Month, 1, TrialDays: 14, PackagePlanId: package.Plan.Id));
        var checkout = services.GetRequiredService<SubscriptionCheckout>();
        Guid? pastDue = null;
        for (var i = 0; i < 5; i++)
        {
            var (first, last) = (FirstNames[(i + 3) % FirstNames.Length], LastNames[(i + 5) % LastNames.Length]);
            var trial = i == 3;
            var session = await checkout.CreateSessionAsync(channel, new PurchaseSessionRequest(trial ? "try-14" : "digital", "https://shop.example/thanks",
                $"subscriber-{i + 1}@example.com", first, last, Locale: "de-DE"), cancellationToken);
            string providerSession;
            await using (var db = await services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync(cancellationToken))
                providerSession = await db.PurchaseSessions.Where(s => s.Id == session.SessionId).Select(s => s.ProviderSessionId).SingleAsync(cancellationToken);
            var approval = sandbox.Authorize(providerSession, "approved", new AuthorizeDetails
            {
                PaymentMethodCategory = trial ? "direct_debit" : "klarna",
                BillingAddress = new KlarnaAddress { GivenName = first, FamilyName = last, StreetAddress = $"Lindenallee {10 + i}", PostalCode = "10115", City = "Berlin", Country = "DE", Phone = $"+4917012345{i:D2}" },
                Customer = new KlarnaCustomer { DateOfBirth = $"19{70 + i}-0{1 + i}-1{i}", NationalIdentificationNumber = $"19{70 + i}0{1 + i}1{i}-12{i}4" },
            });
            var token = (approval.Body as KlarnaRestSandbox.AuthorizeAnswer)?.AuthorizationToken ?? throw new InvalidOperationException("The sandbox did not approve a subscription.");
            var placed = await checkout.PlaceOrderAsync(channel, new PurchaseOrderRequest(session.SessionId, token), trial, cancellationToken);
            var subscription = placed.Order?.Subscription ?? throw new InvalidOperationException($"A subscription was not placed: {placed.Problem}");
            if (i == 4)
                pastDue = subscription.Id;
        }
        if (pastDue is { } id)
        {
            await using (var db = await services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync(cancellationToken))
                sandbox.SteerToken(await db.Subscriptions.Where(s => s.Id == id).Select(s => s.CustomerToken).SingleAsync(cancellationToken), null, [KlarnaTokenErrors.PaymentMethodFailed]);
            // The next charge brought forward to a moment from now, and charged once it has come.
            await services.GetRequiredService<SubscriptionActions>().MoveNextChargeAsync(administrator, id, time.GetUtcNow().AddSeconds(1));
            await Task.Delay(TimeSpan.FromSeconds(1.1), time, cancellationToken);
            await services.GetRequiredService<RecurringCharges>().ChargeAsync(id, cancellationToken);
        }
    }

    /// <summary>The authorization's time runs out at Klarna, and the books learn it as the order check would.</summary>
    private async Task ExpireAsync(Guid id, string orderId, IServiceProvider services)
    {
        sandbox.Expire(orderId);
        var connections = services.GetRequiredService<KlarnaRestConnections>();
        Transaction books;
        await using (var db = await services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            books = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
        var klarna = await connections.Client().GetOrderAsync(await connections.ForAsync(books), orderId, CancellationToken.None);
        await services.GetRequiredService<OperationJournal>().TakeReportAsync(
            new ProviderReport(id, KlarnaRestOrderCheck.JobId, orderId, time.GetUtcNow(), (transaction, step, now) => KlarnaOrderNews.Apply(klarna, transaction, step, now)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} Klarna Payments (direct) demo orders for channel {Channel} through the Klarna REST sandbox")]
    private partial void LogSeeded(int count, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Klarna REST demo orders could not all be seeded")]
    private partial void LogFailed(Exception exception);
}
