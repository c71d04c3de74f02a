using BackOffice.Web.Data;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.TestProvider;

internal static class TestPayOrders
{
    /// <summary>An order TestPay authorized in the shop: in its ledger as PAY-<paramref name="order"/>, and in the books of the demo channel.</summary>
    public static async Task<Guid> AuthorizeAsync(BackOfficeAppFactory app, string order, long amount)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var now = DateTimeOffset.UtcNow;
        var reference = $"PAY-{order}";
        var transaction = Transaction.AuthorizedInShop(channel.Id, TestPayModule.Card, ProviderEnvironment.Test, "testpay-merchant", reference, null, order,
            "EUR", "DE", amount, [new TransactionLine("A1", "Shirt", 1, amount, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Max Mustermann", "max@example.com", ""), address, address, now, now.AddDays(28));
        app.Service<TestPayLedger>().Authorize(reference, amount);
        await app.Service<OperationJournal>().OpenAsync(transaction);
        return transaction.Id;
    }
}
