using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>Bulk actions against the in-process sandbox: each row through the journal, the books equal Klarna's after.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class BulkActionsTests : IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Klarna:Gateway:Timeout"] = "00:00:05" } };
    private SandboxControlClient sandbox = null!;

    public Task InitializeAsync()
    {
        sandbox = app.StartOnLoopback().KlarnaSandbox;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private BulkActions Bulk => app.Service<BulkActions>();

    private IDbContextFactory<BackOfficeDbContext> Databases => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();

    [Fact]
    public async Task Capture_everything_plans_with_sums_leaves_out_what_cannot_be_captured_and_reports_every_row()
    {
        var open = new[] { await ReserveAsync(), await ReserveAsync(), await ReserveAsync() };
        var cancelled = await ReserveAsync();
        await app.Service<TransactionService>().CancelAsync(Clerk, cancelled.Id);
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.Fault, 2102));

        var plan = await Bulk.PlanAsync(Clerk, BulkAction.CaptureEverything, [.. open.Select(o => o.Id), cancelled.Id, open[0].Id]);
        Assert.Equal(3, plan.Included.Count);
        Assert.Equal([("EUR", 3 * 2550L)], plan.SumsPerCurrency);
        Assert.Equal("A Cancelled transaction cannot be captured.", Assert.Single(plan.LeftOut).LeftOut?.ToString());

        var reported = new List<BulkRowResult>();
        var results = await Bulk.RunAsync(Clerk, plan, new SynchronousProgress(reported));

        Assert.Equal(4, results.Count);
        Assert.Equal(3, reported.Count);
        Assert.Equal((2, 1, 1), (results.Count(r => r.State == BulkRowState.Succeeded), results.Count(r => r.State == BulkRowState.Failed), results.Count(r => r.State == BulkRowState.LeftOut)));
        Assert.Equal(3, await sandbox.CallsAsync("activate"));
        foreach (var (id, _) in open.Append(cancelled))
            await Books.AssertAgreeAsync(Databases, sandbox, id);
        await using var db = await Databases.CreateDbContextAsync();
        var batch = $"Batch {plan.BatchId.ToString()[..8]}";
        var audit = await db.AuditEntries.Where(e => e.Subject == batch).OrderBy(e => e.Id).Select(e => e.Action + ": " + e.Details).ToListAsync();
        Assert.Equal(["Bulk capture everything started: 3 transaction(s) holding EUR\u00a076.50; 1 left out", "Bulk capture everything ended: Succeeded: 2, Failed: 1, Left out: 1"], audit);
        Assert.Equal(3, await db.Operations.CountAsync(o => o.Kind == OperationKind.Capture && o.Reason == batch));
    }

    [Fact]
    public async Task Two_batches_over_the_same_transactions_reach_klarna_once_per_transaction()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add((await ReserveAsync()).Id);
        await sandbox.SetLatencyAsync(100);

        var first = Bulk.PlanAsync(Clerk, BulkAction.CaptureEverything, ids);
        var second = Bulk.PlanAsync(Clerk, BulkAction.CaptureEverything, ids);
        var results = await Task.WhenAll(Bulk.RunAsync(Clerk, await first), Bulk.RunAsync(Clerk, await second));

        Assert.Equal(6, await sandbox.CallsAsync("activate"));
        Assert.Equal(6, results.SelectMany(r => r).Count(r => r.State == BulkRowState.Succeeded));
        foreach (var id in ids)
            await Books.AssertAgreeAsync(Databases, sandbox, id);
    }

    [Fact]
    public async Task Extend_and_cancel_run_on_every_open_transaction_matching_a_filter()
    {
        var a = await ReserveAsync();
        var b = await ReserveAsync();

        var matching = await Bulk.MatchingAsync(new TransactionSearch(State: TransactionState.Authorized));
        Assert.Equal([b.Id, a.Id], matching);
        var extended = await Bulk.RunAsync(Clerk, await Bulk.PlanAsync(Clerk, BulkAction.ExtendExpiry, matching));
        var cancelled = await Bulk.RunAsync(Clerk, await Bulk.PlanAsync(Clerk, BulkAction.Cancel, matching));

        Assert.All(extended.Concat(cancelled), r => Assert.Equal(BulkRowState.Succeeded, r.State));
        Assert.Equal((2, 2), (await sandbox.CallsAsync("extend_expiry_date"), await sandbox.CallsAsync("cancel_reservation")));
        foreach (var id in new[] { a.Id, b.Id })
            await Books.AssertAgreeAsync(Databases, sandbox, id);
    }

    [Fact]
    public async Task A_viewer_may_not_and_an_empty_or_oversized_selection_is_refused()
    {
        await Assert.ThrowsAsync<AccessRefusedException>(() => Bulk.PlanAsync(app.Staff(Roles.Viewer), BulkAction.Cancel, [Guid.NewGuid()]));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Bulk.PlanAsync(Clerk, BulkAction.Cancel, []));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Bulk.PlanAsync(Clerk, BulkAction.Cancel, [.. Enumerable.Range(0, BulkActions.Limit + 1).Select(_ => Guid.NewGuid())]));
    }

    private Task<(Guid Id, string Rno)> ReserveAsync() => DemoReservations.ReserveAsync(app);

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test wants the reports in hand when the run ends.</summary>
    private sealed class SynchronousProgress(List<BulkRowResult> reported) : IProgress<BulkRowResult>
    {
        public void Report(BulkRowResult value)
        {
            lock (reported)
                reported.Add(value);
        }
    }
}
