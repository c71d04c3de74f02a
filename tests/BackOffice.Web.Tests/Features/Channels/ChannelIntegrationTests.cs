using System.Text.Json;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Channels;

/// <summary>The app on a real port, so its test gateway is the mounted sandbox over HTTP, as in Development.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ChannelIntegrationTests : IAsyncLifetime
{
    private const string InvoiceSecret = "demo-invoice-secret-1395";
    private const string InstallmentsSecret = "demo-installments-secret-2728";
    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");
    private readonly BackOfficeAppFactory app = new();

    public Task InitializeAsync()
    {
        app.StartOnLoopback();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task The_demo_channel_exists_and_initializes_on_the_first_click()
    {
        var demo = await app.Service<ChannelService>().FindAsync("demo");

        var invoice = await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Invoice);
        var installments = await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);

        Assert.NotNull(demo);
        Assert.All((await app.Service<KlarnaServiceSettings>().FindAsync("demo"))!, s => Assert.True(s.Settings.Enabled && s.HasSecret));
        Assert.True(invoice.Succeeded, invoice.Message.ToString());
        Assert.True(installments.Succeeded, installments.Message.ToString());
        Assert.Equal(7, installments.FileCount);
        Assert.Equal(ProviderEnvironment.Test, installments.Environment);
        Assert.Equal("admin@test.local", installments.By);
    }

    [Fact]
    public async Task Initialize_writes_every_market_file_in_the_seed_shape_and_keeps_other_eids()
    {
        Directory.CreateDirectory(app.PClassDirectory);
        var path = Path.Combine(app.PClassDirectory, "DE_EUR_PClasses.json");
        await File.WriteAllTextAsync(path, """[{"description":"Other","months":12,"startfee":0.0,"invoicefee":0.0,"interestrate":9.9,"minamount":0.0,"country":"DE","id":77,"type":1,"expire":0,"eid":9999}]""");

        var result = await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);

        Assert.True(result.Succeeded, result.Message.ToString());
        Assert.Equal(
            ["AT_EUR_PClasses.json", "DE_EUR_PClasses.json", "DK_DKK_PClasses.json", "FI_EUR_PClasses.json", "NL_EUR_PClasses.json", "NO_NOK_PClasses.json", "SE_SEK_PClasses.json"],
            Directory.GetFiles(app.PClassDirectory).Select(Path.GetFileName).Order());
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var entries = file.RootElement.EnumerateArray().ToList();
        var ratenkauf = entries.Single(e => e.GetProperty("id").GetInt32() == 3113);
        Assert.Equal(
            """{"description":"Ratenkauf","months":24,"startfee":0.0,"invoicefee":1.95,"interestrate":14.95,"minamount":0.0,"country":"DE","id":3113,"type":1,"expire":0,"eid":2728}""",
            JsonSerializer.Serialize(ratenkauf).Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.GetProperty("eid").GetInt32() == 9999 && e.GetProperty("id").GetInt32() == 77);
        Assert.Equal(result.PClassCount, Directory.GetFiles(app.PClassDirectory)
            .Sum(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.EnumerateArray().Count(e => e.GetProperty("eid").GetInt32() == 2728)));
    }

    [Fact]
    public async Task A_wrong_secret_is_reported_in_words_recorded_and_leaves_the_files_untouched()
    {
        await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);
        var before = Snapshot();
        await SaveAsync("demo", KlarnaModule.Installments, newSecret: "not-the-secret");

        var result = await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);

        Assert.False(result.Succeeded);
        Assert.Equal("The shared secret is wrong for merchant ID 2728.", result.Message.ToString());
        Assert.Equal(before, Snapshot());
        var service = (await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Installments));
        Assert.Equal(result, service.LastInitialization! with { At = result.At });
        Assert.Equal(result.At, service.LastInitialization.At, TimeSpan.FromMilliseconds(1));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal(("Initialized", false), (audit.Action, audit.Succeeded));
        Assert.Contains("shared secret is wrong", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_merchant_is_reported_in_words()
    {
        await SaveAsync("demo", KlarnaModule.Invoice, merchantId: 4242);

        var result = await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Invoice);

        Assert.Equal("Klarna does not know merchant ID 4242 in the Test environment.", result.Message.ToString());
    }

    [Fact]
    public async Task The_shared_secret_is_absent_from_the_database_row_the_page_and_the_logs()
    {
        const string plaintext = "Pl41nT3xt-Secret-For-The-Test";
        await SaveAsync("demo", KlarnaModule.Invoice, newSecret: plaintext);
        await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Invoice);
        await app.CreateUserAsync("secret-admin@test.local", "Secret-Admin-1!", Roles.Administrator);
        using var client = app.CreateLoopbackClient();
        await client.SignInAsync("secret-admin@test.local", "Secret-Admin-1!");

        var html = await client.GetStringAsync("/channels/demo");

        Assert.Contains("Klarna Invoice", html, StringComparison.Ordinal);
        Assert.DoesNotContain(plaintext, html, StringComparison.Ordinal);
        Assert.DoesNotContain(plaintext, string.Join("\n", app.Logs.Messages), StringComparison.Ordinal);
        await using var db = app.Database.Open();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT * FROM \"PaymentServices\"; SELECT * FROM \"AuditEntries\";";
        await using var reader = await command.ExecuteReaderAsync();
        var cells = new List<string>();
        do
        {
            while (await reader.ReadAsync())
                cells.AddRange(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }
        while (await reader.NextResultAsync());
        Assert.DoesNotContain(cells, c => c.Contains(plaintext, StringComparison.Ordinal));
        Assert.Contains(cells, c => c.StartsWith("CfDJ8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Channels_are_created_renamed_and_deleted_with_an_audit_entry_each()
    {
        var channels = app.Service<ChannelService>();

        await channels.CreateAsync(Admin, "shop-se", "Shop Sweden");
        await channels.RenameAsync(Admin, "shop-se", "Butik Sverige");
        var renamed = await channels.FindAsync("shop-se");
        await channels.DeleteAsync(Admin, "shop-se");

        Assert.Equal("Butik Sverige", renamed!.Name);
        Assert.Null(await channels.FindAsync("shop-se"));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(["Channel created", "Channel renamed", "Channel deleted"],
            await db.AuditEntries.Where(e => e.Subject == "shop-se").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        // The log's search ignores case on either database.
        var log = app.Service<AuditLogQuery>();
        var (found, total) = await log.PageAsync(new AuditLogFilter(Text: "CHANNEL RENAMED"), 0, 10);
        Assert.Equal((1, "Channel renamed"), (total, found.Single().Action));
        // Filters by area, user and day, and a link to what the entry is about.
        var (channelEntries, _) = await log.PageAsync(new AuditLogFilter(Area: "Channels", User: "ADMIN@"), 0, 50);
        Assert.Contains(channelEntries, e => e.Subject == "shop-se");
        Assert.All(channelEntries, e => Assert.Equal("Channels", e.Area));
        Assert.Equal("channels/shop-se", AuditSubjects.Link(channelEntries.First(e => e.Subject == "shop-se")));
        // By the entries' own day, not the clock's: written at 23:59:59, read at 00:00:00, they are still yesterday's.
        var first = DateOnly.FromDateTime(channelEntries.Min(e => e.At).UtcDateTime);
        Assert.Equal(0, (await log.PageAsync(new AuditLogFilter(Area: "Channels", To: first.AddDays(-1)), 0, 50)).Total);
        Assert.Contains((await log.PageAsync(new AuditLogFilter(Area: "Channels", From: first, To: first.AddDays(1)), 0, 50)).Entries, e => e.Subject == "shop-se");
        Assert.Equal(0, (await log.PageAsync(new AuditLogFilter(Text: "100%_"), 0, 50)).Total);
        Assert.Contains("channels", await log.AreasAsync(), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_channel_with_transactions_cannot_be_deleted()
    {
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            var demo = await db.Channels.SingleAsync(c => c.Code == "demo");
            db.Transactions.Add(BackOffice.Web.Tests.Features.Transactions.TransactionTests.New(channelId: demo.Id));
            await db.SaveChangesAsync();
        }

        var error = await Assert.ThrowsAsync<BusinessRuleException>(() => app.Service<ChannelService>().DeleteAsync(Admin, "demo"));
        // The channels page offers no Delete for it: the list says how many transactions keep it.
        Assert.Equal(1, (await app.Service<ChannelService>().ListAsync()).Single(c => c.Code == "demo").TransactionCount);

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.Transactions.SingleAsync();
            var expected = BackOffice.Web.Tests.Features.Transactions.TransactionTests.New();
            Assert.Equal(expected.Lines, stored.Lines);
            Assert.Equal(expected.BillingAddress, stored.ShippingAddress);
            Assert.Equal(expected.Customer, stored.Customer);
            Assert.Equal(BackOffice.Web.Features.Transactions.TransactionState.Authorized, stored.State);
        }

        Assert.Equal("'demo' has 1 transaction and cannot be deleted; its history stays with the channel.", error.Message.ToString());
        Assert.NotNull(await app.Service<ChannelService>().FindAsync("demo"));
    }

    [Fact]
    public async Task Bad_requests_get_a_clear_error_and_change_nothing()
    {
        var channels = app.Service<ChannelService>();

        Assert.Equal("A channel with the code 'demo' exists already.",
            (await Assert.ThrowsAsync<BusinessRuleException>(() => channels.CreateAsync(Admin, "demo", "Again"))).Message);
        await Assert.ThrowsAsync<BusinessRuleException>(() => channels.CreateAsync(Admin, "Bad Code", "Bad"));
        await Assert.ThrowsAsync<BusinessRuleException>(() => channels.RenameAsync(Admin, "demo", " "));
        await Assert.ThrowsAsync<BusinessRuleException>(() => channels.DeleteAsync(Admin, "no-such-channel"));
        var stale = (await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Invoice)).Version;
        await SaveAsync("demo", KlarnaModule.Invoice, merchantId: 1396);
        var conflict = await Assert.ThrowsAsync<BusinessRuleException>(() =>
            app.Service<KlarnaServiceSettings>().SaveAsync(Admin, "demo", KlarnaModule.Invoice, new PaymentServiceSettings(true, 1397, false, false, false, InvoiceShipment.Mail), null, stale));

        var current = (await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Invoice));
        var longSecret = await Assert.ThrowsAsync<BusinessRuleException>(() =>
            app.Service<KlarnaServiceSettings>().SaveAsync(Admin, "demo", KlarnaModule.Invoice, current.Settings, new string('s', 2000), current.Version));

        Assert.Contains("Someone else changed", conflict.Message.ToString(), StringComparison.Ordinal);
        Assert.Equal("A shared secret has at most 200 characters.", longSecret.Message);
        var demo = await channels.FindAsync("demo");
        Assert.Equal("Demo shop", demo!.Name);
        Assert.Equal(1396, (await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Invoice)).Settings.MerchantId);
        Assert.Equal(["demo", "demo-computop", "demo-ecommpay", "demo-kp"], (await channels.ListAsync()).Select(c => c.Code));
    }

    [Fact]
    public async Task Saving_a_service_audits_what_changed_without_the_secret()
    {
        await SaveAsync("demo", KlarnaModule.Installments, newSecret: "Another-Secret-Value", live: true);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal(("Service saved", "demo / Klarna Installments", "admin@test.local"), (audit.Action, audit.Subject, audit.User));
        Assert.Equal("Use live gateway: Off → On; Shared secret replaced", audit.Details);
        Assert.Equal(ProviderEnvironment.Live, (await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Installments)).Environment);
    }

    [Fact]
    public async Task The_pclass_browser_reports_a_malformed_file_and_still_lists_the_rest()
    {
        await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);
        await File.WriteAllTextAsync(Path.Combine(app.PClassDirectory, "SE_SEK_PClasses.json"), "[{\"id\": 1}");

        var listing = await app.Service<BackOffice.Web.Features.Klarna.PClasses.PClassCatalog>().ListAsync(new(ChannelCode: "demo"));

        Assert.Equal(["SE_SEK_PClasses.json is not valid JSON"], listing.Problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains(listing.Rows, r => r.PClass.Id == 3113 && r.Channels.SequenceEqual(["demo"]));
        Assert.Equal(7, listing.Rows.Count(r => r.PClass.Type == BackOffice.Klarna.PClassType.Invoice));
        Assert.DoesNotContain(listing.Rows, r => r.PClass.Country == BackOffice.Klarna.KlarnaCountry.SE && r.PClass.Type != BackOffice.Klarna.PClassType.Invoice);
    }

    [Fact]
    public async Task A_pclass_two_eids_downloaded_with_the_same_terms_is_listed_once_with_both_eids()
    {
        await app.Service<ConnectorInitializer>().InitializeAsync(Admin, "demo", KlarnaModule.Installments);
        var files = app.Service<BackOffice.Web.Features.Klarna.PClasses.PClassFileStore>();
        var german = await files.ReadAsync(BackOffice.Klarna.KlarnaCountry.DE, BackOffice.Klarna.KlarnaCurrency.EUR);
        var demoEid = german[0].Eid;
        var changed = german[1] with { Eid = 9999, Months = german[1].Months + 1 };
        await files.WriteAsync(9999, new Dictionary<(BackOffice.Klarna.KlarnaCountry, BackOffice.Klarna.KlarnaCurrency), IReadOnlyList<BackOffice.Web.Features.Klarna.PClasses.StoredPClass>>
        {
            [(BackOffice.Klarna.KlarnaCountry.DE, BackOffice.Klarna.KlarnaCurrency.EUR)] = [german[0] with { Eid = 9999 }, changed],
        });

        var rows = (await app.Service<BackOffice.Web.Features.Klarna.PClasses.PClassCatalog>().ListAsync(new(Country: BackOffice.Klarna.KlarnaCountry.DE))).Rows;

        var shared = Assert.Single(rows, r => r.PClass.Id == german[0].Id);
        Assert.Equal([Math.Min(demoEid, 9999), Math.Max(demoEid, 9999)], shared.Eids);
        Assert.Equal(["demo"], shared.Channels);
        Assert.Equal(2, rows.Count(r => r.PClass.Id == german[1].Id));
        Assert.Equal([9999], Assert.Single(rows, r => r.PClass.Id == german[1].Id && r.PClass.Months == changed.Months).Eids);
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Viewer)]
    public async Task Only_administrators_change_channels_or_initialize(string role)
    {
        var user = app.Staff(role);
        var channels = app.Service<ChannelService>();

        await Assert.ThrowsAsync<AccessRefusedException>(() => channels.CreateAsync(user, "mine", "Mine"));
        await Assert.ThrowsAsync<AccessRefusedException>(() => channels.RenameAsync(user, "demo", "Mine"));
        await Assert.ThrowsAsync<AccessRefusedException>(() => channels.DeleteAsync(user, "demo"));
        await Assert.ThrowsAsync<AccessRefusedException>(() => app.Service<ConnectorInitializer>().InitializeAsync(user, "demo", KlarnaModule.Invoice));
        Assert.NotNull(await channels.FindAsync("demo"));
    }

    private async Task SaveAsync(string code, ServiceKind kind, int? merchantId = null, string? newSecret = null, bool live = false)
    {
        var channels = app.Service<ChannelService>();
        var service = (await app.Service<KlarnaServiceSettings>().FindAsync(code, kind));
        var settings = service.Settings with { MerchantId = merchantId ?? service.Settings.MerchantId, UseLiveGateway = live };
        await app.Service<KlarnaServiceSettings>().SaveAsync(Admin, code, kind, settings, newSecret, service.Version);
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(app.PClassDirectory).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
}
