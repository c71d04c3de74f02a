using BackOffice.KlarnaRest;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>The module's recurring jobs on the Jobs page: the order check (fraud decisions, expiry) and the daily payout import.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class KlarnaRestJobsTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();


    public Task InitializeAsync() => app.StartWithKlarnaRestAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");

    private async Task<BackOfficeDbContext> DatabaseAsync() => await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();

    private async Task<JobRun?> RunAsync<TJob>() where TJob : IRecurringJob
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetServices<IRecurringJob>().OfType<TJob>().Single().RunAsync("Test", CancellationToken.None);
    }

    private async Task<Transaction> BooksAsync(Guid id)
    {
        await using var db = await DatabaseAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private Task<Guid> PlacePendingAsync(string orderNumber) => app.PlaceKlarnaRestOrderAsync(orderNumber, pendingFraudReview: true);

    private async Task ExpectedToExpireAsync(Guid id)
    {
        await using var db = await DatabaseAsync();
        await db.Transactions.Where(t => t.Id == id).ExecuteUpdateAsync(t => t.SetProperty(x => x.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
    }

    [Fact]
    public async Task The_order_check_applies_fraud_decisions_no_notification_brought_and_leaves_the_undecided_untouched()
    {
        var accepted = await PlacePendingAsync("KR-JOB-OK");
        var rejected = await PlacePendingAsync("KR-JOB-NO");
        var undecided = await PlacePendingAsync("KR-JOB-WAIT");
        var authorized = await app.PlaceKlarnaRestOrderAsync("KR-JOB-AUTH");
        app.KlarnaRestSandbox().ResolveFraud((await BooksAsync(accepted)).Reference, KlarnaFraudStatus.Accepted);
        app.KlarnaRestSandbox().ResolveFraud((await BooksAsync(rejected)).Reference, KlarnaFraudStatus.Rejected);

        var run = await RunAsync<KlarnaRestOrderCheck>();

        Assert.Equal((3, 2, 0), (run!.Checked, run.Changed, run.Failed));
        Assert.Equal((TransactionState.Authorized, TransactionState.Denied, TransactionState.Pending, TransactionState.Authorized),
            ((await BooksAsync(accepted)).State, (await BooksAsync(rejected)).State, (await BooksAsync(undecided)).State, (await BooksAsync(authorized)).State));
        await using var db = await DatabaseAsync();
        Assert.False(await db.Operations.AnyAsync(o => o.TransactionId == undecided && o.Kind == OperationKind.StatusCheck));
        Assert.Equal(KlarnaRestOrderCheck.JobId, (await db.Operations.SingleAsync(o => o.TransactionId == accepted && o.Kind == OperationKind.StatusCheck)).User);
        var changes = await app.Service<JobsService>().ChangesAsync(run.Id);
        Assert.Equal(["KR-JOB-NO: Pending → Denied", "KR-JOB-OK: Pending → Authorized"], changes.Select(c => $"{c.OrderNumber}: {c.What}"));
    }

    [Fact]
    public async Task An_expired_authorization_releases_what_was_not_captured_and_one_klarna_extended_moves_the_books_expiry()
    {
        var expired = await app.PlaceKlarnaRestOrderAsync("KR-JOB-EXPIRED");
        var extended = await app.PlaceKlarnaRestOrderAsync("KR-JOB-EXTENDED");
        await app.Service<TransactionService>().CaptureAsync(Admin, expired, new CaptureRequest(Amount: 1000));
        app.KlarnaRestSandbox().Expire((await BooksAsync(expired)).Reference);
        await ExpectedToExpireAsync(expired);
        await ExpectedToExpireAsync(extended);

        var run = await RunAsync<KlarnaRestOrderCheck>();

        Assert.Equal((2, 2, 0), (run!.Checked, run.Changed, run.Failed));
        var books = await BooksAsync(expired);
        var klarna = app.KlarnaRestSandbox().Order(books.Reference)!;
        Assert.Equal((TransactionState.Captured, 1000L), (books.State, books.ReservedAmount));
        Assert.Equal((KlarnaOrderStatus.Expired, 1000L), (klarna.Status, klarna.CapturedAmount));
        var stillHeld = await BooksAsync(extended);
        Assert.Equal(TransactionState.Authorized, stillHeld.State);
        Assert.Equal(app.KlarnaRestSandbox().Order(stillHeld.Reference)!.ExpiresAt!.Value, stillHeld.ExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal((0, 0), ((await RunAsync<KlarnaRestOrderCheck>())!.Checked, 0));
    }

    [Fact]
    public async Task A_capture_whose_answer_was_lost_settles_by_itself_at_the_next_run_without_a_second_capture()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-JOB-LOST");
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.ServerError, AfterExecution: true));
        var lost = await app.Service<TransactionService>().CaptureAsync(Admin, id, new CaptureRequest(Amount: 1500));

        var run = await RunAsync<KlarnaRestOrderCheck>();

        Assert.Equal(OperationState.Unknown, lost.State);
        Assert.Equal((1, 1, 0), (run!.Checked, run.Changed, run.Failed));
        var books = await BooksAsync(id);
        var klarna = app.KlarnaRestSandbox().Order(books.Reference)!;
        Assert.Equal((1500L, 1500L, (Guid?)null), (books.CapturedAmount, klarna.CapturedAmount, books.ActiveOperationId));
        Assert.Equal(1, app.KlarnaRestSandbox().Traffic.Calls["capture"]);
        await using var db = await DatabaseAsync();
        Assert.Equal(OperationState.Succeeded, await db.Operations.Where(o => o.Id == lost.OperationId).Select(o => o.State).SingleAsync());
    }

    [Fact]
    public async Task The_payout_import_runs_on_its_daily_schedule_from_the_jobs_page_and_imports_each_payout_once()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-JOB-PAID");
        await app.Service<TransactionService>().CaptureAsync(Admin, id, new CaptureRequest(Amount: 2000));
        app.KlarnaRestSandbox().ClosePayoutPeriod();

        var jobs = await app.Service<JobsService>().OverviewAsync();
        var scheduled = JobStorage.Current.GetConnection().GetRecurringJobs().Select(j => (j.Id, j.Cron)).ToList();
        await app.Service<JobsService>().RunNowAsync(Admin, KlarnaPayoutImport.JobId);
        for (var i = 0; i < 200 && (await app.Service<JobsService>().OverviewAsync()).Job(KlarnaPayoutImport.JobId).Runs is not [{ EndedAt: not null }]; i++)
            await Task.Delay(50);
        var second = await RunAsync<KlarnaPayoutImport>();

        Assert.Equal([JobSettings.CheckOrderStatus, KlarnaRestOrderCheck.JobId, CardSettlementCheck.JobId, KlarnaPayoutImport.JobId, BackOffice.Web.Features.Subscriptions.RecurringChargeRun.JobId], jobs.Jobs.Select(j => j.Id));
        Assert.Contains((KlarnaPayoutImport.JobId, "0 6 * * *"), scheduled);
        Assert.Contains((KlarnaRestOrderCheck.JobId, "*/10 * * * *"), scheduled);
        Assert.Contains((BackOffice.Web.Features.Subscriptions.RecurringChargeRun.JobId, "*/15 * * * *"), scheduled);
        Assert.DoesNotContain(scheduled, j => j.Id == JobSettings.CheckOrderStatus);
        var first = Assert.Single((await app.Service<JobsService>().OverviewAsync()).Job(KlarnaPayoutImport.JobId).Runs, r => r.Trigger == "Manual");
        // Two channels have the service on one Klarna merchant: demo, set up here, and Development's demo-kp; the payout is the merchant's, so both have it.
        Assert.Equal((2, 2, 0), (first.Checked, first.Changed, first.Failed));
        Assert.Equal((2, 0, 0), (second!.Checked, second.Changed, second.Failed));
        var payout = Assert.Single(await app.Service<KlarnaPayouts>().ListAsync("demo"));
        Assert.Contains(payout.Lines, l => l.Type == "SALE" && l.TransactionId == id && l.Match == PayoutMatch.Matched);
        Assert.Equal(payout.Lines.Select(l => (l.Match, l.TransactionId)), Assert.Single(await app.Service<KlarnaPayouts>().ListAsync("demo-kp")).Lines.Select(l => (l.Match, l.TransactionId)));
    }

    [Fact]
    public async Task A_channel_whose_payouts_cannot_be_read_is_a_failed_line_of_the_run()
    {
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("payouts", SandboxFailure.Fault, 403));

        var run = await RunAsync<KlarnaPayoutImport>();

        Assert.Equal((2, 0, 1), (run!.Checked, run.Changed, run.Failed));
        Assert.StartsWith("demo: Klarna's payouts could not be read", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-kp", run.Errors, StringComparison.Ordinal);
    }
}
