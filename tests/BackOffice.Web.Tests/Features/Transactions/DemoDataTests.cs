using BackOffice.Web.Data;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>
/// Development's demo data is made through the real money actions, by the seeded administrator: on every demo channel
/// there are captures, and no action was refused.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class DemoDataTests
{
    [Fact]
    public async Task Every_demo_channel_gets_orders_captured_by_the_seeded_administrator()
    {
        await using var app = new BackOfficeAppFactory();
        app.Settings["Seed:DemoTransactions"] = "12";
        app.Settings["Seed:DemoComputopChannel:Transactions"] = "6";
        app.Settings["Seed:DemoKlarnaRestChannel:Transactions"] = "10";
        app.StartOnLoopback();

        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until && !(Seeded(app, "Seeded 12 demo transactions") && Seeded(app, "Seeded 6 Klarna Payments demo orders") && Seeded(app, "Seeded 10 Klarna Payments (direct) demo orders")))
            await Task.Delay(100);

        Assert.True(Seeded(app, "Seeded 12 demo transactions"), string.Join("\n", app.Logs.Messages.Where(m => m.Contains("Seed", StringComparison.Ordinal))));
        Assert.True(Seeded(app, "Seeded 10 Klarna Payments (direct) demo orders"), string.Join("\n", app.Logs.Messages.Where(m => m.Contains("Seed", StringComparison.Ordinal))));
        Assert.True(Seeded(app, "Seeded 6 Klarna Payments demo orders"), string.Join("\n", app.Logs.Messages.Where(m => m.Contains("Seed", StringComparison.Ordinal))));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var captures = await (from o in db.Operations
                              join t in db.Transactions on o.TransactionId equals t.Id
                              join c in db.Channels on t.ChannelId equals c.Id
                              where o.Kind == OperationKind.Capture && o.State == OperationState.Succeeded
                              select new { c.Code, o.User }).ToListAsync();
        Assert.Contains(captures, c => c.Code == "demo");
        Assert.Contains(captures, c => c.Code == "demo-computop");
        Assert.Contains(captures, c => c.Code == "demo-kp");
        var states = await (from t in db.Transactions join c in db.Channels on t.ChannelId equals c.Id where c.Code == "demo-kp" select t.State).Distinct().ToListAsync();
        Assert.Equivalent(new[] { TransactionState.Authorized, TransactionState.Pending, TransactionState.Denied, TransactionState.PartCaptured, TransactionState.Captured,
            TransactionState.PartRefunded, TransactionState.Refunded, TransactionState.Cancelled }, states, strict: true);
        var payout = Assert.Single(await db.KlarnaPayouts.Include(p => p.Lines).ToListAsync());
        Assert.DoesNotContain(payout.Lines, l => l.Match is PayoutMatch.NotInBooks or PayoutMatch.AmountDiffers);
        Assert.All(captures, c => Assert.Equal("admin@backoffice.local", c.User));
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == "Access refused"));
    }

    private static bool Seeded(BackOfficeAppFactory app, string line) => app.Logs.Messages.Any(m => m.Contains(line, StringComparison.Ordinal));
}
