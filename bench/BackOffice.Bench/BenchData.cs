using System.Diagnostics;
using System.Globalization;
using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Bench;

/// <summary>What the searches look for: identifiers and fragments that exist in the data, and a cursor deep in the list.</summary>
public sealed record BenchSamples(string OrderNumber, string Reference, string InvoiceNumber, string EmailFragment, string LastName, TransactionRow Deep);

/// <summary>
/// N realistic transactions through the domain's own constructors and moves: four channels, both services, every
/// settled state (open only within their 14 days), four currencies, names and e-mails with umlauts and Nordic letters, two years of dates. (Pending
/// orders are made through the shop API instead, so that the sandbox holds them for the poll.)
/// </summary>
public static class BenchData
{
    private const int Batch = 5_000;

    private static readonly string[] FirstNames =
        ["Jürgen", "Anna", "Max", "Sofia", "Lars", "Åsa", "Björn", "Mäx", "Zoë", "Søren", "Jönne", "Emma", "Jonas", "Mia", "Noah", "Ella", "Oskar", "Käthe", "Ærling", "Liv"];

    private static readonly string[] LastNames =
        ["Müller", "Schäfer", "Andersson", "Öberg", "Jansen", "Hansen", "Virtanen", "Berg", "Nielsen", "Bauer", "Visser", "Lind", "Weiß", "Groß", "Kärkkäinen",
         "Sørensen", "Åberg", "Köhler", "Schröder", "Hoffmann", "Becker", "Wagner", "Ström", "Lindqvist", "Mäkinen", "Bäcker", "Fuchs", "Krüger", "Jäger", "Lehmann",
         "Dahl", "Holm", "Eklund", "Halvorsen", "Nyström", "Pedersen", "Brandt", "Vogel", "Kühn", "Łukasz"];

    private static readonly (string Country, string Currency)[] Markets = [("DE", "EUR"), ("SE", "SEK"), ("NO", "NOK"), ("DK", "DKK"), ("AT", "EUR"), ("FI", "EUR"), ("NL", "EUR")];

    private static readonly string[] Domains = ["example.com", "web.de", "gmx.de", "telia.se", "online.no", "mail.dk"];

    /// <summary>PostgreSQL beyond a million: this many through the domain, the rest as the server's copies of them.</summary>
    private const int CopiedFrom = 250_000;

    public static async Task<BenchSamples> BuildAsync(IServiceProvider services, BenchDatabase database, int count)
    {
        var copies = database.Provider == DatabaseProvider.PostgreSql && count > 1_000_000 ? (count + CopiedFrom - 1) / CopiedFrom - 1 : 0;
        if (copies > 0)
            count = CopiedFrom;
        var clock = Stopwatch.StartNew();
        var databases = services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
        var channelIds = await ChannelsAsync(databases);
        var random = new Random(20261125);
        var now = DateTimeOffset.UtcNow;
        string? order = null, rno = null, invoiceNumber = null;
        for (var start = 0; start < count; start += Batch)
        {
            await using var db = await databases.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                var (transaction, invoice) = Make(i, channelIds[i % channelIds.Count], random, now);
                db.Transactions.Add(transaction);
                if (invoice is not null)
                    db.Invoices.Add(invoice);
                if (i == count / 2)
                    (order, rno) = (transaction.OrderNumber, transaction.Reference);
                if (invoice is not null && (invoiceNumber is null || i == count / 3))
                    invoiceNumber = invoice.InvoiceNumber;
            }
            await db.SaveChangesAsync();
            if (start / Batch % 20 == 19)
                Console.WriteLine($"  {start + Batch:N0} transactions, {clock.Elapsed.TotalSeconds:0} s");
        }
        Console.WriteLine($"Built {count:N0} transactions in {clock.Elapsed.TotalSeconds:0} s.");
        if (copies > 0)
        {
            Console.WriteLine($"Copying them {copies} times on the server...");
            await BenchCopies.CopyAsync(database, copies);
            count *= copies + 1;
        }
        await database.VacuumAsync();

        // A row in the middle of the default order: where a deep page starts.
        var query = services.CreateScope().ServiceProvider.GetRequiredService<TransactionQuery>();
        await using var read = await databases.CreateDbContextAsync();
        var middle = await read.Transactions.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Skip(count / 2).Select(t => t.OrderNumber).FirstAsync();
        var deep = (await query.PageAsync(new TransactionSearch(Text: middle), TransactionPageRequest.First(1))).Rows.Single();
        return new BenchSamples(order!, rno!, invoiceNumber!, "schroeder1", "MÜLLER", deep);
    }

    private static async Task<List<int>> ChannelsAsync(IDbContextFactory<BackOfficeDbContext> databases)
    {
        await using var db = await databases.CreateDbContextAsync();
        foreach (var (code, name) in new[] { ("shop-de", "Shop Deutschland"), ("shop-se", "Butik Sverige"), ("shop-no", "Butikk Norge") })
        {
            if (!await db.Channels.AnyAsync(c => c.Code == code))
                db.Channels.Add(new Channel(code, name));
        }
        await db.SaveChangesAsync();
        return await db.Channels.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
    }

    private static (Transaction Transaction, Invoice? Invoice) Make(int i, int channelId, Random random, DateTimeOffset now)
    {
        var (country, currency) = Markets[random.Next(Markets.Length)];
        var (first, last) = (FirstNames[random.Next(FirstNames.Length)], LastNames[random.Next(LastNames.Length)]);
        var email = $"{Plain(first)}.{Plain(last)}{random.Next(1_000)}@{Domains[random.Next(Domains.Length)]}";
        var amount = 500L + random.Next(500_000);
        var created = now.AddSeconds(-random.NextDouble() * TimeSpan.FromDays(730).TotalSeconds);
        var address = new TransactionAddress(first, last, "", "Hauptstraße", (1 + i % 120).ToString(CultureInfo.InvariantCulture), "10115", "Berlin", country, email, "");
        var service = i % 3 == 0 ? KlarnaModule.Installments : KlarnaModule.Invoice;
        var status = i % 20 == 7 ? AuthorizationStatus.Denied : AuthorizationStatus.Accepted;
        var transaction = new Transaction(channelId, service, ProviderEnvironment.Test, service == KlarnaModule.Invoice ? "1395" : "2728",
            $"ORD-{i + 1_000_000:D8}", (2_000_000_000L + i).ToString(CultureInfo.InvariantCulture), status, currency, country, amount,
            [new TransactionLine("SKU-" + (i % 500).ToString(CultureInfo.InvariantCulture), "Article", 1, amount, 19, LineFlags.IncludesVat)],
            new TransactionCustomer($"{first} {last}", email, TransactionCustomer.Mask("0101" + (1950 + i % 50).ToString(CultureInfo.InvariantCulture))),
            address, address, created, created.AddDays(14));
        if (status == AuthorizationStatus.Denied)
            return (transaction, null);

        Invoice? invoice = null;
        void Capture(long part)
        {
            transaction.Capture(transaction.Reference, part, []);
            invoice = new Invoice(transaction.Id, (41_000_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture), currency, part, [], created.AddDays(1));
        }
        switch (i % 10)
        {
            case 1:
                Capture(amount / 2);
                break;
            case 2 or 3 or 4:
                Capture(amount);
                break;
            case 5:
                Capture(amount);
                transaction.Refund(amount / 3);
                break;
            case 6:
                Capture(amount);
                transaction.Refund(amount);
                break;
            case 8:
                transaction.Release(transaction.Reference);
                break;
        }
        // As the expiry job leaves the books: what stayed open past its expiry was released as expired.
        if (transaction.IsOpen && transaction.ExpiresAt < now)
            transaction.Release(transaction.Reference, expired: true);
        return (transaction, invoice);
    }

    /// <summary>E-mail addresses are written without umlauts.</summary>
    private static string Plain(string name) => SearchFolding.Fold(name).Replace("ł", "l", StringComparison.Ordinal);
}
