using System.Globalization;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Web.Tests.Features.ECommPay;

/// <summary>
/// A refund whose answer was lost (PROTOCOL.md §6), on a clock the test moves: ECommPay's status shows whether it
/// arrived; one it holds is left to its callback, one it never got is sent again with the same refund id — never twice.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ECommPayReconcileTests : IAsyncLifetime
{
    private const string Key = "bo_test-ecommpay-reconcile-key";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly BackOfficeAppFactory app;

    public ECommPayReconcileTests()
    {
        app = new BackOfficeAppFactory { Clock = clock, Settings = { ["Seed:DemoApiKey"] = Key, ["ShopApi:RequestsPerMinute"] = "10000", ["ECommPay:Timeout"] = "00:00:02", ["ECommPaySandbox:RefundDelayMs"] = "60000" } };    }

    public Task InitializeAsync() => app.StartWithECommPayAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private TransactionService Transactions => app.Service<TransactionService>();

    private async Task<(Guid Id, string SaleId, string PaymentId)> PaidAsync(string orderNumber)
    {
        var id = await app.PaySofortAsync(orderNumber, Key);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var reference = await db.Transactions.Where(t => t.Id == id).Select(t => t.Reference).SingleAsync();
        return (id, app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, reference)!.Sale.Id.ToString(CultureInfo.InvariantCulture), reference);
    }

    private async Task<Transaction> BooksAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    /// <summary>Moves the sandbox's clock past its refund delay until the books show the refund decided.</summary>
    private async Task DecidedAsync(Guid id)
    {
        for (var i = 0; i < 200 && (await BooksAsync(id)).ActiveOperationId is not null; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(25);
        }
        Assert.Null((await BooksAsync(id)).ActiveOperationId);
    }

    [Fact]
    public async Task A_refund_ecommpay_took_but_whose_answer_was_lost_is_found_by_status_and_not_sent_again()
    {
        var (id, sale, payment) = await PaidAsync("KS-LOST");
        app.ECommPaySandbox().Traffic.Inject(new SandboxInjection("refund", SandboxFailure.ServerError, AfterExecution: true));

        var lost = await Transactions.RefundAsync(Clerk, id, new RefundRequest(sale, 1200));
        var tooEarly = await Transactions.ReconcileAsync(Clerk, id);
        clock.Advance(TimeSpan.FromSeconds(11));
        var held = await Transactions.ReconcileAsync(Clerk, id);
        await DecidedAsync(id);

        Assert.Equal((OperationState.Unknown, OperationState.Unknown, OperationState.Unknown), (lost.State, tooEarly.State, held.State));
        Assert.Contains("10 seconds", tooEarly.Message.ToString(), StringComparison.Ordinal);
        Assert.Contains("has not decided it yet", held.Message.ToString(), StringComparison.Ordinal);
        Assert.Equal((1, 1200L), (app.ECommPaySandbox().Traffic.Calls["refund"], (await BooksAsync(id)).RefundedAmount));
        Assert.Equal(1200L, app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, payment)!.RefundedAmount);
    }

    [Fact]
    public async Task A_refund_ecommpay_never_got_is_sent_again_with_the_same_refund_id_once_and_then_decided_by_its_callback()
    {
        var (id, sale, payment) = await PaidAsync("KS-NEVER");
        app.ECommPaySandbox().Traffic.Inject(new SandboxInjection("refund", SandboxFailure.ServerError));

        var lost = await Transactions.RefundAsync(Clerk, id, new RefundRequest(sale, 800));
        clock.Advance(TimeSpan.FromSeconds(11));
        var resent = await Transactions.ReconcileAsync(Clerk, id);
        await DecidedAsync(id);

        Assert.Equal((OperationState.Unknown, OperationState.Unknown), (lost.State, resent.State));
        Assert.Contains("ECommPay took the refund", resent.Message.ToString(), StringComparison.Ordinal);
        var klarna = app.ECommPaySandbox().Payment(ECommPayShop.ProjectId, payment)!;
        var refund = Assert.Single(klarna.Operations, o => o.Type == "refund");
        Assert.Equal((lost.OperationId.ToString("N"), 800L, "success"), (refund.MerchantRefundId, refund.Amount, refund.Status));
        Assert.Equal((2, TransactionState.PartRefunded, 800L), (app.ECommPaySandbox().Traffic.Calls["refund"], (await BooksAsync(id)).State, (await BooksAsync(id)).RefundedAmount));
    }
}
