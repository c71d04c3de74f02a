using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class SearchFoldingTests
{
    [Theory]
    [InlineData("Müller", "mueller")]
    [InlineData("MÜLLER", "mueller")]
    [InlineData("Mueller", "mueller")]
    [InlineData("Weiß", "weiss")]
    [InlineData("Åsa Öberg", "asa oeberg")]
    [InlineData("Ærø Søren", "aeroe soeren")]
    [InlineData("José Zoë Ça", "jose zoe ca")]
    [InlineData("ORDER-17 max@Example.COM", "order-17 max@example.com")]
    public void Folding_lowers_spells_out_and_drops_accents(string text, string folded) =>
        Assert.Equal(folded, SearchFolding.Fold(text));

    [FactOn(DatabaseProvider.Sqlite)]
    public async Task The_search_migration_folds_and_indexes_the_rows_already_there()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        db.Transactions.AddRange(
            TransactionTests.New(channelId: channel.Id, orderNumber: "OLD-1", name: "JÜRGEN MÜLLER", email: "j@example.com"),
            TransactionTests.New(channelId: channel.Id, orderNumber: "OLD-2", name: "Zoë Weiß", email: "zoe@example.com"));
        await db.SaveChangesAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();

        // Back to before the text index, as a database of the first release is, and up again.
        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_Search", StringComparison.Ordinal)) - 1]);
        await migrator.MigrateAsync();

        var query = app.Service<TransactionQuery>();
        Assert.Equal(["OLD-1"], (await query.PageAsync(new TransactionSearch(Text: "mueller"), TransactionPageRequest.First(10))).Rows.Select(r => r.OrderNumber));
        Assert.Equal(["OLD-2"], (await query.PageAsync(new TransactionSearch(Text: "zoe weiss"), TransactionPageRequest.First(10))).Rows.Select(r => r.OrderNumber));
        Assert.Equal(["OLD-2"], (await query.PageAsync(new TransactionSearch(Text: "old-2"), TransactionPageRequest.First(10))).Rows.Select(r => r.OrderNumber));
    }

    [FactOn(DatabaseProvider.PostgreSql)]
    public async Task The_search_table_migration_indexes_the_rows_already_there()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        // Back to the text index on the transactions themselves, where rows are stored without the search table's triggers.
        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_SearchTable", StringComparison.Ordinal)) - 1]);
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        db.Transactions.Add(TransactionTests.New(channelId: channel.Id, orderNumber: "OLD-1", name: "JÜRGEN MÜLLER", email: "j@example.com"));
        await db.SaveChangesAsync();

        await migrator.MigrateAsync();

        var query = app.Service<TransactionQuery>();
        Assert.Equal(["OLD-1"], (await query.PageAsync(new TransactionSearch(Text: "mueller"), TransactionPageRequest.First(10))).Rows.Select(r => r.OrderNumber));
    }

    [Fact]
    public async Task The_text_index_follows_a_new_order_number_and_name_and_forgets_a_removed_row()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();
        var databases = app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
        var query = app.Service<TransactionQuery>();
        async Task<string[]> FoundAsync(string text) =>
            [.. (await query.PageAsync(new TransactionSearch(Text: text), TransactionPageRequest.First(10))).Rows.Select(r => r.OrderNumber)];
        Guid id;
        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = TransactionTests.New(channelId: (await db.Channels.SingleAsync(c => c.Code == "demo")).Id, orderNumber: "FIRST-1", name: "Anna Berg", email: "anna@example.com");
            db.Transactions.Add(transaction);
            await db.SaveChangesAsync();
            id = transaction.Id;
        }
        Assert.Equal(["FIRST-1"], await FoundAsync("irst-"));

        await using (var db = await databases.CreateDbContextAsync())
        {
            var transaction = await db.Transactions.SingleAsync(t => t.Id == id);
            transaction.ChangeOrderNumber("SECOND-1");
            transaction.ChangeAddresses(transaction.BillingAddress with { FirstName = "Åsa", LastName = "Öberg" }, transaction.ShippingAddress);
            await db.SaveChangesAsync();
        }

        Assert.Empty(await FoundAsync("irst-"));
        Assert.Empty(await FoundAsync("anna berg"));
        Assert.Equal(["SECOND-1"], await FoundAsync("econd-"));
        Assert.Equal(["SECOND-1"], await FoundAsync("asa oeberg"));

        await using (var db = await databases.CreateDbContextAsync())
            await db.Transactions.Where(t => t.Id == id).ExecuteDeleteAsync();

        Assert.Empty(await FoundAsync("econd-"));
    }
}
