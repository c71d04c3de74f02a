using System.Globalization;
using System.Security.Claims;
using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna;

/// <summary>
/// In Development, on an empty transaction table, makes <c>Seed:DemoTransactions</c> reservations for the demo channel
/// through the real path (reserve_amount against the in-process sandbox, then the money actions), in every state.
/// It waits until the app listens, because the sandbox is reached over HTTP.
/// </summary>
internal sealed partial class DemoTransactionSeeder(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<DemoTransactionSeeder> logger) : BackgroundService
{
    private static readonly (KlarnaCountry Country, KlarnaCurrency Currency, int PClass, string City, string PostalCode, string Street)[] Markets =
    [
        (KlarnaCountry.DE, KlarnaCurrency.EUR, 3113, "Neuss", "41460", "Hellersbergstraße"),
        (KlarnaCountry.SE, KlarnaCurrency.SEK, 2113, "Ankeborg", "12345", "Stårgatan"),
        (KlarnaCountry.AT, KlarnaCurrency.EUR, 4113, "Wien", "1010", "Graben"),
        (KlarnaCountry.NL, KlarnaCurrency.EUR, 5113, "Amsterdam", "1012", "Damrak"),
        (KlarnaCountry.NO, KlarnaCurrency.NOK, 6113, "Oslo", "0150", "Karl Johans gate"),
        (KlarnaCountry.DK, KlarnaCurrency.DKK, 7113, "København", "1050", "Strøget"),
        (KlarnaCountry.FI, KlarnaCurrency.EUR, 8113, "Helsinki", "00100", "Mannerheimintie"),
    ];

    private static readonly string[] FirstNames = ["Anna", "Max", "Sofia", "Lars", "Emma", "Jonas", "Mia", "Noah", "Ella", "Oskar"];
    private static readonly string[] LastNames = ["Andersson", "Müller", "Jansen", "Hansen", "Virtanen", "Berg", "Nielsen", "Bauer", "Visser", "Lind"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = configuration.GetValue("Seed:DemoTransactions", 0);
        var channelCode = configuration["Seed:DemoChannel:Code"];
        if (!environment.IsDevelopment() || count <= 0 || channelCode is null || !await lifetime.StartedAsync(stoppingToken))
            return;

        await using var scope = scopes.CreateAsyncScope();
        var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync(stoppingToken);
        await using (db)
        {
            if (await db.Transactions.AnyAsync(stoppingToken))
                return;
        }
        // Made by the seeded administrator: money actions check that their actor is a member of staff.
        if (await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeededAdministratorAsync() is not { } seeder)
            return;
        var reservations = scope.ServiceProvider.GetRequiredService<ReservationService>();
        var transactions = scope.ServiceProvider.GetRequiredService<TransactionService>();
        try
        {
            for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
                await SeedOneAsync(i, seeder, channelCode, reservations, transactions, stoppingToken);
            LogSeeded(count, channelCode);
        }
        catch (Exception e) when (e is KlarnaException or BusinessRuleException or DbUpdateException)
        {
            LogFailed(e);
        }
    }

    private static async Task SeedOneAsync(int i, ClaimsPrincipal seeder, string channelCode, ReservationService reservations, TransactionService transactions, CancellationToken cancellationToken)
    {
        var market = Markets[i % Markets.Length];
        var service = i % 3 == 0 ? KlarnaModule.Installments : KlarnaModule.Invoice;
        var (first, last) = (FirstNames[i % FirstNames.Length], i % 10 == 1 ? KlarnaSandbox.DeniedLastName : LastNames[i / 3 % LastNames.Length]);
        var email = i % 10 == 0 ? (i % 20 == 0 ? KlarnaSandbox.PendingAcceptedEmail : KlarnaSandbox.PendingDeniedEmail) : $"{first}.{last}@example.com".ToLowerInvariant();
        var address = new KlarnaAddress
        {
            FirstName = first, LastName = last, Email = email, CellPhone = "0701234567", Street = $"{market.Street} {1 + i % 40}",
            PostalCode = market.PostalCode, City = market.City, Country = market.Country,
        };
        var price = 1_000L + i * 37 % 9_000;
        GoodsLine[] lines = [new("SKU-" + (100 + i % 50).ToString(CultureInfo.InvariantCulture), "Shirt", 2, price, 25), new("SHIP", "Shipping", 1, 490, 25, Flags: GoodsFlags.IncludesVat | GoodsFlags.IsShipment)];
        var outcome = await reservations.ReserveAsync(new ReservationOrder(channelCode, service, $"DEMO-{10_000 + i}", market.Country, market.Currency,
            market.Country == KlarnaCountry.SE ? KlarnaSandbox.TestPersonNumber : "0101" + (1960 + i % 40).ToString(CultureInfo.InvariantCulture),
            address, address, lines, service == KlarnaModule.Installments ? market.PClass : -1), cancellationToken);
        if (outcome is not ReservationOutcome.Stored { Transaction: { State: TransactionState.Authorized } transaction })
            return;

        switch (i % 10)
        {
            case 4:
                await transactions.CaptureAsync(seeder, transaction.Id, new CaptureRequest(Lines: [new(lines[0].ArticleNumber, 1)]));
                break;
            case 5 or 6 or 7 or 8:
                var invoice = (await transactions.CaptureAsync(seeder, transaction.Id, CaptureRequest.Remaining())).InvoiceNumber!;
                if (i % 10 == 7)
                    await transactions.RefundAsync(seeder, transaction.Id, new RefundRequest(invoice, Lines: [new(lines[0].ArticleNumber, 1)], Reason: "returned one"));
                if (i % 10 == 8)
                    await transactions.RefundAsync(seeder, transaction.Id, new RefundRequest(invoice, Reason: "returned everything"));
                break;
            case 9:
                await transactions.CancelAsync(seeder, transaction.Id, "customer cancelled");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} demo transactions for channel {Channel}")]
    private partial void LogSeeded(int count, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding demo transactions stopped")]
    private partial void LogFailed(Exception exception);
}
