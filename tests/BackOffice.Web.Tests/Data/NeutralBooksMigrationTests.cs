using BackOffice.Web.Data;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Data;

/// <summary>The migration to one merchant string keeps each transaction's merchant, both ways, on either database.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class NeutralBooksMigrationTests
{
    [Fact]
    public async Task Each_transaction_keeps_its_merchant_down_to_the_two_columns_and_up_again()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var now = DateTimeOffset.UtcNow;
        db.Transactions.AddRange(
            TransactionTests.New(channelId: channel.Id, orderNumber: "LEGACY-1"),
            Transaction.AuthorizedInShop(channel.Id, ComputopModule.KlarnaPayments, ProviderEnvironment.Test, "KP_Shop", "PAYID-1", "T-1", "PAYGATE-1", "EUR", "DE",
                1000, [new TransactionLine("A1", "Shirt", 1, 1000, 19, LineFlags.IncludesVat)], new TransactionCustomer("Max Mustermann", "max@example.com", ""),
                address, address, now, now.AddDays(28)));
        await db.SaveChangesAsync();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();

        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_ProviderNeutralBooks", StringComparison.Ordinal)) - 1]);
        var before = await db.Database.SqlQueryRaw<TwoColumns>("""SELECT "OrderNumber", "MerchantId", "ProviderMerchantId" FROM "Transactions" WHERE "OrderNumber" IN ('LEGACY-1', 'PAYGATE-1') ORDER BY "OrderNumber" """).ToListAsync();
        await migrator.MigrateAsync();

        Assert.Equal([new TwoColumns("LEGACY-1", 1395, null), new TwoColumns("PAYGATE-1", 0, "KP_Shop")], before);
        Assert.Equal([("LEGACY-1", "1395"), ("PAYGATE-1", "KP_Shop")],
            (await db.Transactions.AsNoTracking().Where(t => t.OrderNumber == "LEGACY-1" || t.OrderNumber == "PAYGATE-1").OrderBy(t => t.OrderNumber).Select(t => new { t.OrderNumber, t.Merchant }).ToListAsync()).Select(t => (t.OrderNumber, t.Merchant)));
    }

    private sealed record TwoColumns(string OrderNumber, int MerchantId, string? ProviderMerchantId);
}
