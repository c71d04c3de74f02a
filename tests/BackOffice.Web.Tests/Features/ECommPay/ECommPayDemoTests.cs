using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.ECommPay;

/// <summary>Development's ECommPay demo channel: payments made the real way, every state a sale has, the books equal to the sandbox.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ECommPayDemoTests
{
    [Fact]
    public async Task The_demo_channel_gets_paid_part_refunded_and_refunded_payments_that_agree_with_the_sandbox()
    {
        await using var app = new BackOfficeAppFactory();
        app.Settings["Seed:DemoECommPayChannel:Transactions"] = "10";
        app.StartOnLoopback();

        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until && !app.Logs.Messages.Any(m => m.Contains("Seeded 10 Klarna (Sofort) demo payments", StringComparison.Ordinal)))
            await Task.Delay(100);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var transactions = await (from t in db.Transactions join c in db.Channels on t.ChannelId equals c.Id where c.Code == "demo-ecommpay" select t).AsNoTracking().ToListAsync();
        for (var i = 0; i < 100 && transactions.Any(t => t.ActiveOperationId is not null); i++)
        {
            await Task.Delay(50);
            transactions = await (from t in db.Transactions join c in db.Channels on t.ChannelId equals c.Id where c.Code == "demo-ecommpay" select t).AsNoTracking().ToListAsync();
        }

        Assert.Equal(9, transactions.Count);
        Assert.Equivalent(new[] { TransactionState.Captured, TransactionState.PartRefunded, TransactionState.Refunded }, transactions.Select(t => t.State).Distinct().ToList(), strict: true);
        Assert.All(transactions, t =>
        {
            var payment = app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, t.Reference)!;
            Assert.Equal((payment.Amount, payment.RefundedAmount), (t.CapturedAmount, t.RefundedAmount));
        });
    }
}
