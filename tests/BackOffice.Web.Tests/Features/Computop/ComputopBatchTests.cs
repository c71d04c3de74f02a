using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using CaptureRequest = BackOffice.Web.Features.Transactions.CaptureRequest;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>
/// Captures, credits and reverses queued for Computop's batch manager: one file with a record per action and a footer
/// that adds up, its response settling each action from its own line, and any response that is not the batch's
/// refused with the reason and nothing changed.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>); each begins with no batch, transaction or audit entry, and the sandbox
/// emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ComputopBatchTests(ComputopBatchTests.App shared) : IClassFixture<ComputopBatchTests.App>, IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");
    private readonly SaveBarrier batchSaves = shared.BatchSaves;
    private readonly BackOfficeAppFactory app = shared.Factory;

    /// <summary>The app of this class, with a barrier its tests arm to make changes of a batch race.</summary>
    public sealed class App : IAsyncLifetime
    {
        public SaveBarrier BatchSaves { get; } = new(changes => changes.Entries<ComputopBatch>().Any(e => e.State == EntityState.Modified));

        public BackOfficeAppFactory Factory { get; } = new();

        public Task InitializeAsync()
        {
            Factory.TestServices.Add(services => services.AddSingleton<IInterceptor>(BatchSaves));
            Factory.StartOnLoopback();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    /// <summary>What the test before queued, stored and left in the sandbox is gone.</summary>
    public async Task InitializeAsync()
    {
        batchSaves.Disarm();
        await app.StartAfreshAsync();
        await using var db = await app.Service<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        await db.ComputopBatches.ExecuteDeleteAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ComputopBatches Batches => app.Service<ComputopBatches>();

    [Fact]
    public async Task Queued_actions_go_in_one_file_and_its_response_settles_each_from_its_own_line()
    {
        var (capture, credit, reverse) = (await app.AuthorizeAsync("KB-1"), await app.AuthorizeAsync("KB-2"), await app.AuthorizeAsync("KB-3"));
        var invoice = (await app.Service<TransactionService>().CaptureAsync(Clerk, credit, CaptureRequest.Remaining())).InvoiceNumber!;

        await Batches.QueueCaptureAsync(Clerk, capture);
        await Batches.QueueCreditAsync(Clerk, credit, invoice, [new LineQuantity("C3", 3)]);
        await Batches.QueueReverseAsync(Clerk, reverse);
        var busy = await Assert.ThrowsAsync<BusinessRuleException>(() => app.Service<TransactionService>().CaptureAsync(Clerk, capture, CaptureRequest.Remaining()));
        var batch = Assert.Single(await Batches.ListAsync());
        var (fileName, file) = await Batches.ExportAsync(Clerk, batch.Id);
        var settlement = await Batches.ImportAsync(Clerk, batch.Id, app.Sandbox().ProcessBatch(file));

        Assert.Contains("waits in a Computop batch file", busy.Message, StringComparison.Ordinal);
        Assert.Matches($"^T({DateTime.UtcNow.AddMinutes(-5):yyyyMMdd}|{DateTime.UtcNow:yyyyMMdd})KP_DemoShop001\\.dat$", fileName);
        var lines = file.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("HEAD,KP_DemoShop,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["KLARNAPM,CAPTURE,3549,EUR,KB-1,KB-1,", "KLARNAPM,CREDIT,999,EUR,KB-2,KB-2,", "KLARNAPM,REVERSE,3549,EUR,KB-3,KB-3,"], lines[1..4].Select(l => string.Join(',', l.Split(',')[..6]) + ","));
        Assert.EndsWith(invoice, lines[2], StringComparison.Ordinal);
        Assert.Equal($"FOOT,3,{3549 + 999 + 3549}", lines[4]);
        Assert.Equal(new BatchSettlement(fileName, 3, 0), settlement);
        var (captured, _) = await LoadAsync(capture);
        Assert.Equal(TransactionState.Captured, captured.State);
        Assert.Equal((TransactionState.PartRefunded, TransactionState.Cancelled), ((await LoadAsync(credit)).Transaction.State, (await LoadAsync(reverse)).Transaction.State));
        foreach (var id in new[] { capture, credit, reverse })
            await app.AssertBooksAgreeAsync(id);
        Assert.Equal(ComputopBatchState.Settled, Assert.Single(await Batches.ListAsync()).State);
    }

    [Fact]
    public async Task A_response_that_is_not_the_batchs_is_refused_with_the_reason_and_changes_nothing()
    {
        var id = await app.AuthorizeAsync("KB-4");
        await Batches.QueueCaptureAsync(Clerk, id);
        var batch = Assert.Single(await Batches.ListAsync());
        var (_, file) = await Batches.ExportAsync(Clerk, batch.Id);
        var response = app.Sandbox().ProcessBatch(file);

        var otherMerchant = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.ImportAsync(Clerk, batch.Id, response.Replace("HEAD,KP_DemoShop", "HEAD,KP_Other", StringComparison.Ordinal)));
        var changedSum = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.ImportAsync(Clerk, batch.Id, response.Replace("FOOT,1,3549", "FOOT,1,3548", StringComparison.Ordinal)));
        var otherRecords = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.ImportAsync(Clerk, batch.Id,
            response.Replace(",3549,", ",3548,", StringComparison.Ordinal).Replace("FOOT,1,3549", "FOOT,1,3548", StringComparison.Ordinal)));
        var (waiting, _) = await LoadAsync(id);
        await Batches.ImportAsync(Clerk, batch.Id, response);
        var again = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.ImportAsync(Clerk, batch.Id, response));

        Assert.Contains("merchant KP_Other's, not KP_DemoShop's", otherMerchant.Message, StringComparison.Ordinal);
        Assert.Contains("FOOT says 1 records of 3548", changedSum.Message, StringComparison.Ordinal);
        Assert.Contains("its records are not the ones sent", otherRecords.Message, StringComparison.Ordinal);
        Assert.Equal((TransactionState.Authorized, true), (waiting.State, waiting.ActiveOperationId is not null));
        Assert.Contains("was imported already", again.Message, StringComparison.Ordinal);
        await app.AssertBooksAgreeAsync(id);
    }

    [Fact]
    public async Task A_record_paygate_refuses_ends_its_action_alone_and_a_batched_action_is_never_sent_again_by_reconciling()
    {
        var (first, second) = (await app.AuthorizeAsync("KB-5"), await app.AuthorizeAsync("KB-6"));
        await Batches.QueueReverseAsync(Clerk, first);
        await Batches.QueueReverseAsync(Clerk, second);
        var notAgain = await Assert.ThrowsAsync<BusinessRuleException>(() => app.Service<TransactionService>().ReconcileAsync(Clerk, first));
        var batch = Assert.Single(await Batches.ListAsync());
        var (_, file) = await Batches.ExportAsync(Clerk, batch.Id);
        // Someone released the second order in Computop's portal before the file was processed.
        var payId = (await LoadAsync(second)).Transaction.Reference;
        app.Sandbox().Handle("reverse", ComputopOrders.Merchant, new Dictionary<string, string> { ["PayID"] = payId, ["TransID"] = "KB-6", ["Amount"] = "3549", ["Currency"] = "EUR" });

        var settlement = await Batches.ImportAsync(Clerk, batch.Id, app.Sandbox().ProcessBatch(file));

        Assert.Contains("went in a Computop batch file", notAgain.Message, StringComparison.Ordinal);
        Assert.Equal((1, 1), (settlement.Succeeded, settlement.Failed));
        Assert.Equal(TransactionState.Cancelled, (await LoadAsync(first)).Transaction.State);
        var (refused, operations) = await LoadAsync(second);
        Assert.Equal((TransactionState.Authorized, null), (refused.State, refused.ActiveOperationId));
        Assert.Equal((OperationState.Failed, 29990004), (operations.Single().State, operations.Single().FaultCode));
        await app.AssertBooksAgreeAsync(first);
    }

    [Fact]
    public async Task An_action_whose_order_lines_are_not_known_is_sent_online_not_queued()
    {
        var id = await app.AuthorizeAsync("KB-7");
        await app.Service<TransactionService>().CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1_234));

        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.QueueCaptureAsync(Clerk, id));

        Assert.Contains("send it online instead", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Batches.ListAsync());
        Assert.Null((await LoadAsync(id)).Transaction.ActiveOperationId);
    }

    [Fact]
    public async Task An_action_withdrawn_from_the_open_batch_is_never_sent_and_frees_the_order()
    {
        var (withdrawn, kept) = (await app.AuthorizeAsync("KB-8"), await app.AuthorizeAsync("KB-9"));
        var queued = await Batches.QueueCaptureAsync(Clerk, withdrawn);
        var stays = await Batches.QueueCaptureAsync(Clerk, kept);

        var outcome = await Batches.WithdrawAsync(Clerk, queued.OperationId);
        var again = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.WithdrawAsync(Clerk, queued.OperationId));
        var online = await app.Service<TransactionService>().CaptureAsync(Clerk, withdrawn, CaptureRequest.Remaining());
        var batch = Assert.Single(await Batches.ListAsync());
        var (_, file) = await Batches.ExportAsync(Clerk, batch.Id);
        var tooLate = await Assert.ThrowsAsync<BusinessRuleException>(() => Batches.WithdrawAsync(Clerk, stays.OperationId));
        await Batches.ImportAsync(Clerk, batch.Id, app.Sandbox().ProcessBatch(file));

        Assert.Equal(OperationState.Failed, outcome.State);
        Assert.Contains("nothing was sent", outcome.Message.ToString(), StringComparison.Ordinal);
        Assert.Contains("is not waiting in a batch file any more", again.Message, StringComparison.Ordinal);
        Assert.Contains("was exported already", tooLate.Message, StringComparison.Ordinal);
        Assert.True(online.Succeeded, online.Message.ToString());
        Assert.Equal("KB-9", Assert.Single(batch.Actions).OrderNumber);
        Assert.Contains("FOOT,1,3549", file, StringComparison.Ordinal);
        Assert.DoesNotContain("KB-8", file, StringComparison.Ordinal);
        Assert.Equal(TransactionState.Captured, (await LoadAsync(kept)).Transaction.State);
        var payId = (await LoadAsync(withdrawn)).Transaction.Reference;
        Assert.Single(app.Sandbox().Executions, e => e.Call == "capture" && e.PayId == payId);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            Assert.Single(await db.AuditEntries.Where(a => a.Action == "Withdrawn Capture" && a.Subject.StartsWith("KB-8 ")).ToListAsync());
        await app.AssertBooksAgreeAsync(withdrawn);
        await app.AssertBooksAgreeAsync(kept);
    }

    [Fact]
    public async Task A_withdrawal_and_an_export_at_the_same_moment_cannot_both_succeed()
    {
        var id = await app.AuthorizeAsync("KB-10");
        var queued = await Batches.QueueCaptureAsync(Clerk, id);
        var batch = Assert.Single(await Batches.ListAsync());
        batchSaves.Arm(2);

        var withdraw = Batches.WithdrawAsync(Clerk, queued.OperationId);
        var export = Batches.ExportAsync(Clerk, batch.Id);
        var refusals = new List<string>();
        foreach (var task in new Task[] { withdraw, export })
        {
            try
            {
                await task;
            }
            catch (BusinessRuleException e)
            {
                refusals.Add(e.Message);
            }
        }

        Assert.True(batchSaves.Conflicts >= 1);
        var refusal = Assert.Single(refusals);
        var operation = Assert.Single((await LoadAsync(id)).Operations);
        var after = Assert.Single(await Batches.ListAsync());
        if (export.IsCompletedSuccessfully)
        {
            Assert.Contains("was exported already", refusal, StringComparison.Ordinal);
            Assert.Equal((OperationState.Requested, ComputopBatchState.Exported), (operation.State, after.State));
            Assert.Contains(",KB-10,", (await export).Text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Someone else changed this batch", refusal, StringComparison.Ordinal);
            Assert.Equal((OperationState.Failed, ComputopBatchState.Open, null), (operation.State, after.State, (await LoadAsync(id)).Transaction.ActiveOperationId));
        }
    }

    private async Task<(Transaction Transaction, List<Operation> Operations)> LoadAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return (await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id),
            await db.Operations.AsNoTracking().Where(o => o.TransactionId == id).OrderBy(o => o.RequestedAt).ToListAsync());
    }
}
