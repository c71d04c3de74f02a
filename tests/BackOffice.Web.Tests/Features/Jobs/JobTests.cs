using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Web.Tests.Features.Jobs;

/// <summary>The status job and the delayed cancellation, against the in-process sandbox over real HTTP.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class JobTests : IAsyncLifetime
{
    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");
    private readonly TestDatabase database = TestDatabase.Create();
    private BackOfficeAppFactory app = null!;
    private SandboxControlClient sandbox = null!;

    public Task InitializeAsync()
    {
        app = NewApp(database);
        Start(app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_run_moves_pending_transactions_to_authorized_or_denied_and_records_it_all()
    {
        var accepted = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        var denied = await ReserveAsync(KlarnaSandbox.PendingDeniedEmail);
        var stillPending = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        var authorized = await ReserveAsync("max@example.com");
        await sandbox.ResolveAsync(accepted.Reference, OrderStatus.Accepted);
        await sandbox.ResolveAsync(denied.Reference, OrderStatus.Denied);

        var run = await RunAsync();

        Assert.Equal((3, 2, 0), (run!.Checked, run.Changed, run.Failed));
        Assert.Equal(TransactionState.Authorized, (await LoadAsync(accepted.Id)).State);
        Assert.Equal(TransactionState.Denied, (await LoadAsync(denied.Id)).State);
        var pending = await LoadAsync(stillPending.Id);
        Assert.Equal((TransactionState.Pending, "Pending"), (pending.State, pending.LastPollResult));
        Assert.NotNull(pending.LastPolledAt);
        Assert.Null((await LoadAsync(authorized.Id)).LastPolledAt);
        await using var db = await Database();
        var check = await db.Operations.SingleAsync(o => o.TransactionId == accepted.Id);
        Assert.Equal((OperationKind.StatusCheck, OperationState.Succeeded, "Klarna: Accepted; now Authorized"), (check.Kind, check.State, check.Detail?.ToString()));
        Assert.Equal(run.Id, (await db.JobRuns.SingleAsync()).Id);
        var changes = await app.Service<JobsService>().ChangesAsync(run.Id);
        Assert.Equal(
            new[] { (accepted.Id, accepted.OrderNumber, "Pending → Authorized"), (denied.Id, denied.OrderNumber, "Pending → Denied") }.OrderBy(c => c.OrderNumber),
            changes.Select(c => (c.TransactionId, c.OrderNumber, c.What.ToString())));
        Assert.All(changes, c => Assert.False(c.Failed));
    }

    [Fact]
    public async Task Five_hundred_pending_transactions_with_slow_klarna_are_all_checked_eight_at_a_time()
    {
        // The set-up is not what is tested: sixteen reservations at a time, so a loaded machine does not time them out.
        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail));
        await sandbox.SetLatencyAsync(50);

        var run = await RunAsync();

        Assert.Equal((500, 0, 0), (run!.Checked, run.Changed, run.Failed));
        Assert.Equal(500, await sandbox.CallsAsync("check_order_status"));
        // Klarna's answers take 50 ms, so the run keeps its eight checks in flight, and never more.
        Assert.Equal(8, app.Services.GetRequiredService<KlarnaSandbox>().Traffic.PeakInFlight("check_order_status"));
        await using var db = await Database();
        Assert.Equal(500, await db.Transactions.CountAsync(t => t.LastPollResult == "Pending"));
    }

    [Fact]
    public async Task A_failure_on_one_transaction_does_not_stop_the_run()
    {
        await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        await sandbox.InjectAsync(new SandboxInjection("check_order_status", SandboxFailure.Fault, 9113));

        var run = await RunAsync();

        Assert.Equal((2, 0, 1), (run!.Checked, run.Changed, run.Failed));
        Assert.Contains("9113", run.Errors, StringComparison.Ordinal);
        var failure = Assert.Single(await app.Service<JobsService>().ChangesAsync(run.Id));
        Assert.True(failure.Failed);
        Assert.Contains("9113", failure.What.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_cancellations_are_listed_by_due_time_and_an_administrator_cancels_one_now_and_skips_another()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await RestartAsync(clock, cancelDelaySeconds: 3600);
        await DeclinePendingOrdersAsync();
        var first = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        var jobs = app.Service<JobsService>();

        var waiting = (await jobs.OverviewAsync()).Waiting;
        Assert.Equal([first.OrderNumber, second.OrderNumber], waiting.Select(w => w.OrderNumber));
        Assert.Equal(("demo", 1000L, "EUR"), (waiting[0].ChannelCode, waiting[0].Amount, waiting[0].Currency));
        await Assert.ThrowsAsync<AccessRefusedException>(() => jobs.SkipAsync(app.Staff(Roles.Operator), waiting[0].Id));

        await jobs.SkipAsync(Admin, waiting[1].Id);
        await jobs.CancelNowAsync(Admin, waiting[0].Id);

        await Eventually(async () => (await LoadAsync(first.Id)).State == TransactionState.Cancelled);
        await Assert.ThrowsAsync<BusinessRuleException>(() => jobs.SkipAsync(Admin, waiting[1].Id));
        clock.Advance(TimeSpan.FromHours(2));
        await SweepAsync();
        Assert.Equal(TransactionState.Pending, (await LoadAsync(second.Id)).State);
        Assert.Equal(1, await sandbox.CallsAsync("cancel_reservation"));
        Assert.Empty((await jobs.OverviewAsync()).Waiting);
        await using var db = await Database();
        Assert.Equal("Skipped by admin@test.local", (await db.PendingCancellations.SingleAsync(c => c.TransactionId == second.Id)).Result);
        var audit = await db.AuditEntries.Where(e => e.Area == "Jobs").Select(e => e.Action + ": " + e.Subject).ToListAsync();
        Assert.Contains($"Pending cancellation skipped: {second.OrderNumber} ({second.Reference})", audit);
        Assert.Contains($"Pending cancellation run now: {first.OrderNumber} ({first.Reference})", audit);
    }

    [Fact]
    public async Task A_second_run_started_during_a_run_does_nothing()
    {
        for (var i = 0; i < 10; i++)
            await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        await sandbox.SetLatencyAsync(300);

        var first = RunAsync();
        await Eventually(async () => await sandbox.CallsAsync("check_order_status") > 0);
        var second = await RunAsync();

        Assert.Null(second);
        Assert.Equal(10, (await first)!.Checked);
        Assert.Equal(10, await sandbox.CallsAsync("check_order_status"));
        await using var db = await Database();
        Assert.Single(await db.JobRuns.ToListAsync());
    }

    [Fact]
    public async Task Settings_start_disabled_are_validated_audited_and_drive_hangfires_schedule()
    {
        var jobs = app.Service<JobsService>();

        var initial = await jobs.OverviewAsync();
        var scheduledAtStart = RecurringJobIds();
        await Assert.ThrowsAsync<BusinessRuleException>(() => jobs.SaveAsync(Admin, JobSettings.CheckOrderStatus, true, "every minute", 8, 10));
        await Assert.ThrowsAsync<AccessRefusedException>(() => jobs.SaveAsync(app.Staff(Roles.Operator), JobSettings.CheckOrderStatus, true, "* * * * *", 8, 10));
        var changes = await jobs.SaveAsync(Admin, JobSettings.CheckOrderStatus, true, "*/2 * * * *", 4, 5);

        Assert.False(initial.Job(JobSettings.CheckOrderStatus).Settings.Enabled);
        Assert.DoesNotContain(JobSettings.CheckOrderStatus, scheduledAtStart);
        Assert.Equal(["Enabled", "cron */5 * * * * → */2 * * * *", "parallelism 8 → 4", "per-call timeout 10 s → 5 s"], changes.Select(c => c.ToString()));
        Assert.Contains(JobSettings.CheckOrderStatus, RecurringJobIds());
        Assert.NotNull((await jobs.OverviewAsync()).Job(JobSettings.CheckOrderStatus).NextRun);

        await jobs.SaveAsync(Admin, JobSettings.CheckOrderStatus, false, "*/2 * * * *", 4, 5);
        Assert.DoesNotContain(JobSettings.CheckOrderStatus, RecurringJobIds());
        await jobs.SaveAsync(Admin, JobSettings.CheckOrderStatus, true, "*/2 * * * *", 4, 5);

        await RestartAsync();

        Assert.Contains(JobSettings.CheckOrderStatus, RecurringJobIds());
        Assert.True((await app.Service<JobsService>().OverviewAsync()).Job(JobSettings.CheckOrderStatus).Settings.Enabled);
    }

    [Fact]
    public async Task Run_now_runs_at_once_even_while_the_schedule_is_off()
    {
        var pending = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        await sandbox.ResolveAsync(pending.Reference, OrderStatus.Accepted);

        await app.Service<JobsService>().RunNowAsync(Admin, JobSettings.CheckOrderStatus);

        await Eventually(async () => (await LoadAsync(pending.Id)).State == TransactionState.Authorized);
        // The run is recorded as it ends, a moment after its work is in the books.
        await Eventually(async () =>
        {
            await using var runs = await Database();
            return await runs.JobRuns.AnyAsync(r => r.EndedAt != null);
        });
        await using var db = await Database();
        Assert.Equal("Manual", (await db.JobRuns.SingleAsync()).Trigger);
    }

    [Fact]
    public async Task A_pending_order_of_a_declining_service_is_cancelled_after_the_delay()
    {
        await DeclinePendingOrdersAsync();

        var pending = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);
        await using (var db = await Database())
        {
            var due = await db.PendingCancellations.SingleAsync(c => c.TransactionId == pending.Id);
            Assert.Equal(pending.CreatedAt.AddSeconds(1), due.DueAt, TimeSpan.FromMilliseconds(1));
        }

        await Eventually(async () => (await LoadAsync(pending.Id)).State == TransactionState.Cancelled);
        Assert.Equal("Cancelled", (await sandbox.ReservationAsync(pending.Reference))!.State);
        await using (var db = await Database())
        {
            var cancel = await db.Operations.SingleAsync(o => o.TransactionId == pending.Id && o.Kind == OperationKind.Cancel);
            Assert.Equal((OperationState.Succeeded, PendingCancellationJob.Reason), (cancel.State, cancel.Reason));
            Assert.NotNull((await db.PendingCancellations.SingleAsync()).CompletedAt);
            Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.User == TransactionService.PendingDeclineActor && e.Details.Contains(PendingCancellationJob.Reason, StringComparison.Ordinal));
        }
        await app.Services.GetRequiredService<IServiceScopeFactory>().CreateScope().ServiceProvider
            .GetRequiredService<PendingCancellationJob>().RunAsync((await Database()).PendingCancellations.Single().Id, CancellationToken.None);
        Assert.Equal(1, await sandbox.CallsAsync("cancel_reservation"));
    }

    [Fact]
    public async Task A_cancellation_due_after_a_restart_reaches_klarna_once_when_due_and_not_before()
    {
        // Klarna (a sandbox of its own) outlives the app; the app's clock is fake, so "due" is decided by the test.
        await using var klarna = await StandaloneSandbox.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await RestartAsync(clock, klarna, cancelDelaySeconds: 3600);
        await DeclinePendingOrdersAsync();
        var pending = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);

        clock.Advance(TimeSpan.FromMinutes(10));
        await RestartAsync(clock, klarna, cancelDelaySeconds: 3600);
        await SweepAsync();
        var beforeDue = await klarna.Control.CallsAsync("cancel_reservation");

        clock.Advance(TimeSpan.FromMinutes(51));
        await SweepAsync();
        await SweepAsync();

        Assert.Equal(0, beforeDue);
        Assert.Equal(1, await klarna.Control.CallsAsync("cancel_reservation"));
        Assert.Equal("Cancelled", (await klarna.Control.ReservationAsync(pending.Reference))!.State);
        Assert.Equal(TransactionState.Cancelled, (await LoadAsync(pending.Id)).State);
        await using var db = await Database();
        Assert.NotNull((await db.PendingCancellations.SingleAsync()).CompletedAt);
        var cancel = await db.Operations.SingleAsync(o => o.TransactionId == pending.Id && o.Kind == OperationKind.Cancel);
        Assert.Equal((OperationState.Succeeded, TransactionService.PendingDeclineActor), (cancel.State, cancel.User));
    }

    [Fact]
    public async Task A_cancellation_of_unknown_outcome_is_settled_from_klarna_and_never_sent_twice()
    {
        await DeclinePendingOrdersAsync();
        await sandbox.InjectAsync(new SandboxInjection("cancel_reservation", SandboxFailure.ServerError, AfterExecution: true));
        var pending = await ReserveAsync(KlarnaSandbox.PendingAcceptedEmail);

        await Eventually(async () =>
        {
            await using var db = await Database();
            return await db.Operations.AnyAsync(o => o.TransactionId == pending.Id && o.State == OperationState.Unknown);
        });
        await using (var db = await Database())
            await app.Service<PendingCancellationJob>().RunAsync((await db.PendingCancellations.SingleAsync()).Id, CancellationToken.None);

        Assert.Equal(1, await sandbox.CallsAsync("cancel_reservation"));
        Assert.Equal(TransactionState.Cancelled, (await LoadAsync(pending.Id)).State);
        await using var after = await Database();
        Assert.Equal(OperationState.Succeeded, (await after.Operations.SingleAsync(o => o.Kind == OperationKind.Cancel)).State);
    }

    [Fact]
    public async Task Reservations_past_their_expiry_expire_only_once_klarna_no_longer_holds_them()
    {
        // Days pass: a fake clock would fire every tick of the app's periodic timers on the way.
        var clock = new SteppedClock(DateTimeOffset.UtcNow);
        await RestartAsync(clock);
        var untouched = await ReserveAsync("max@example.com");
        var extendedAtKlarna = await ReserveAsync("max@example.com");
        clock.Advance(TimeSpan.FromDays(6));
        // Extended in Klarna Online, so the books still expect the first expiry.
        await app.Services.GetRequiredService<IKlarnaGateway>().ExtendExpiryDateAsync(new KlarnaCredentials(1395, "demo-invoice-secret-1395", KlarnaEnvironment.Test), extendedAtKlarna.Reference);
        clock.Advance(TimeSpan.FromDays(2));

        var expired = await app.Service<ReservationExpiryJob>().RunAsync(CancellationToken.None);

        Assert.Equal(1, expired);
        Assert.Equal(TransactionState.Expired, (await LoadAsync(untouched.Id)).State);
        var kept = await LoadAsync(extendedAtKlarna.Id);
        Assert.Equal(TransactionState.Authorized, kept.State);
        Assert.StartsWith("Klarna still holds", kept.LastPollResult, StringComparison.Ordinal);
        Assert.Contains(ReservationExpiryJob.JobId, RecurringJobIds());
        Assert.Contains(PendingCancellations.SweepJobId, RecurringJobIds());
    }

    [Fact]
    public async Task At_start_up_an_operation_a_stopped_app_left_in_flight_becomes_unknown_and_one_klarna_answered_is_applied()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await RestartAsync(clock);
        var lost = await ReserveAsync("max@example.com");
        var answered = await ReserveAsync("max@example.com");
        var journal = app.Service<OperationJournal>();
        var traits = app.Services.CreateScope().ServiceProvider.GetServices<IPaymentPort>().Single(p => p is KlarnaPort).Traits;
        KlarnaCredentials credentials;
        await using (var db = await Database())
            credentials = await app.Service<TransactionCredentials>().ForAsync(db, answered);
        // The app stops while both calls are in flight; Klarna captured the second and its answer was recorded.
        await journal.BeginAsync("clerk@test.local", lost.Id, new CaptureRemaining(), traits);
        var started = await journal.BeginAsync("clerk@test.local", answered.Id, new CaptureRemaining(), traits);
        var activation = await app.Services.GetRequiredService<IKlarnaGateway>().ActivateAsync(credentials, answered.Reference);
        await using (var db = await Database())
        {
            var operation = await db.Operations.SingleAsync(o => o.Id == started.Operation.Id);
            operation.RecordAnswer(clock.GetUtcNow(), activation.InvoiceNumber, null);
            await db.SaveChangesAsync();
        }

        clock.Advance(OperationJournal.InFlightMargin + TimeSpan.FromMinutes(1));
        await RestartAsync(clock);

        await using var after = await Database();
        Assert.Equal(OperationState.Unknown, (await after.Operations.SingleAsync(o => o.TransactionId == lost.Id)).State);
        Assert.Equal(OperationState.Succeeded, (await after.Operations.SingleAsync(o => o.TransactionId == answered.Id)).State);
        Assert.Equal(TransactionState.Captured, (await LoadAsync(answered.Id)).State);
        Assert.Equal(activation.InvoiceNumber, (await after.Invoices.SingleAsync(i => i.TransactionId == answered.Id)).InvoiceNumber);
        Assert.NotNull((await LoadAsync(lost.Id)).ActiveOperationId);
    }

    [Fact]
    public async Task The_status_job_settles_an_unknown_whole_capture_that_did_not_happen()
    {
        var transaction = await ReserveAsync("max@example.com");
        await sandbox.InjectAsync(new SandboxInjection("activate", SandboxFailure.ServerError));
        await app.Service<TransactionService>().CaptureAsync(app.Staff(Roles.Operator), transaction.Id, CaptureRequest.Remaining());

        var run = await RunAsync();

        Assert.Equal((1, 1, 0), (run!.Checked, run.Changed, run.Failed));
        var settled = await LoadAsync(transaction.Id);
        Assert.Equal((TransactionState.Authorized, (Guid?)null), (settled.State, settled.ActiveOperationId));
        await using var db = await Database();
        Assert.Equal(OperationState.Failed, (await db.Operations.SingleAsync(o => o.Kind == OperationKind.Capture)).State);
    }

    private static BackOfficeAppFactory NewApp(TestDatabase database, TimeProvider? clock = null, StandaloneSandbox? klarna = null, int cancelDelaySeconds = 1)
    {
        var factory = new BackOfficeAppFactory { Database = database, Clock = clock };
        factory.Settings["Jobs:SchedulePollingInterval"] = "00:00:01";
        factory.Settings["Klarna:CancelDelaySeconds"] = cancelDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in klarna?.AppSettings ?? [])
            factory.Settings[key] = value;
        return factory;
    }

    private void Start(BackOfficeAppFactory factory)
    {
        factory.StartOnLoopback();
        sandbox = new SandboxControlClient(new HttpClient { BaseAddress = new Uri(factory.ClientOptions.BaseAddress, "/sandbox/klarna/") });
    }

    private async Task RestartAsync(TimeProvider? clock = null, StandaloneSandbox? klarna = null, int cancelDelaySeconds = 1)
    {
        await app.DisposeAsync();
        app = NewApp(database, clock, klarna, cancelDelaySeconds);
        Start(app);
    }

    /// <summary>What the recurring DueCancellations job does every minute.</summary>
    private async Task SweepAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PendingCancellations>().SweepAsync(CancellationToken.None);
    }

    private async Task<JobRun?> RunAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PendingStatusPoller>().RunAsync("Test", CancellationToken.None);
    }

    private async Task DeclinePendingOrdersAsync()
    {
        var invoice = await app.Service<KlarnaServiceSettings>().FindAsync("demo", KlarnaModule.Invoice);
        await app.Service<KlarnaServiceSettings>().SaveAsync(Admin, "demo", KlarnaModule.Invoice, invoice.Settings with { DeclinePendingOrders = true }, null, invoice.Version);
    }

    private async Task<Transaction> ReserveAsync(string email)
    {
        var address = new KlarnaAddress { FirstName = "Max", LastName = "Mustermann", Email = email, Street = "Hellersbergstraße 14", PostalCode = "41460", City = "Neuss", Country = KlarnaCountry.DE };
        return await app.Service<ReservationService>().ReserveAsync(new ReservationOrder("demo", KlarnaModule.Invoice, $"JOB-{Guid.NewGuid():N}"[..16],
            KlarnaCountry.DE, KlarnaCurrency.EUR, "07071960", address, address, [new GoodsLine("A1", "Shirt", 1, 1000, 19)])).StoredAsync();
    }

    private async Task<BackOfficeDbContext> Database() =>
        await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();

    private async Task<Transaction> LoadAsync(Guid id)
    {
        await using var db = await Database();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private static List<string> RecurringJobIds()
    {
        using var connection = JobStorage.Current.GetConnection();
        return [.. Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection).Select(j => j.Id)];
    }

    /// <summary>Waits for background work (Hangfire polls every second here), up to 20 seconds.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The background work did not happen within 20 seconds.");
            await Task.Delay(200);
        }
    }
}
