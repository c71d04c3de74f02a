using System.Net.Http.Json;
using BackOffice.KlarnaRest;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Webhooks;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Subscriptions;

/// <summary>
/// The recurring charges in the app against the Klarna REST sandbox over HTTP, on a fake clock: each period charged
/// once (a second run, a lost answer, a restart between sending and booking), Klarna's refusals ending or suspending the
/// subscription as it advises, and every charge in the books as Klarna holds it.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class RecurringChargesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2027, 1, 17, 9, 0, 0, TimeSpan.Zero);

    private readonly SteppedClock clock = new(Start);
    private readonly BackOfficeAppFactory app;
    private PlanOffer package = null!;

    public RecurringChargesTests() => app = new BackOfficeAppFactory { Clock = clock, Settings = { ["KlarnaRest:Timeout"] = "00:00:02" } };

    public async Task InitializeAsync()
    {
        await app.StartWithKlarnaRestAsync();
        package = await Plans.AddAsync(Admin, "demo", "digital", "Digital", "EUR", "DE", new PlanTerms(990, 19, BillingInterval.Month, 1));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator);

    private SubscriptionPlans Plans => app.Service<SubscriptionPlans>();

    private RecurringCharges Charges => app.Service<RecurringCharges>();

    private SubscriptionActions Actions => app.Service<SubscriptionActions>();

    private System.Security.Claims.ClaimsPrincipal Operator => app.Staff(Roles.Operator);

    private KlarnaRestSandbox Klarna => app.KlarnaRestSandbox();

    private IReadOnlyList<KlarnaRestExecution> TokenOrders => [.. Klarna.Executions.Where(e => e.Operation == "token-order")];

    private Task<BackOffice.Web.Features.Jobs.JobRun?> RunJobAsync()
    {
        var scope = app.Services.CreateScope();
        return ActivatorUtilities.CreateInstance<RecurringChargeRun>(scope.ServiceProvider).RunAsync("test", CancellationToken.None);
    }

    /// <summary>A customer token as a shop's purchase makes one at Klarna (direct debit for a trial), and the subscription sold with it.</summary>
    private async Task<Guid> SubscribeAsync(PlanOffer? campaign = null, PlanOffer? sold = null, BackOfficeAppFactory? shop = null)
    {
        sold ??= package;
        var trial = campaign?.Version.TrialDays is not null;
        var token = await app.CustomerTokenAsync(sold, trial);

        await using var db = await (shop ?? app).Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var account = new SubscriberAccount(sold.Plan.ChannelId, $"erika-{Guid.NewGuid():N}@example.com", "Erika", "Mustermann", clock.GetUtcNow());
        var subscription = trial
            ? Subscription.Trial(sold.Plan.ChannelId, account.Id, sold.Plan, sold.Version, campaign!.Version, token, clock.GetUtcNow())
            : Subscription.Paid(sold.Plan.ChannelId, account.Id, sold.Plan, sold.Version, campaign?.Version, token, clock.GetUtcNow());
        db.SubscriberAccounts.Add(account);
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync();
        return subscription.Id;
    }

    private async Task<(Subscription Subscription, IReadOnlyList<SubscriptionCharge> Charges, IReadOnlyList<Transaction> Transactions)> ReadAsync(Guid subscriptionId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var charges = await db.SubscriptionCharges.AsNoTracking().Where(c => c.SubscriptionId == subscriptionId).OrderBy(c => c.Period).ThenBy(c => c.Attempt).ToListAsync();
        var ids = charges.Select(c => c.TransactionId).OfType<Guid>().ToList();
        return (await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId), charges,
            await db.Transactions.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderBy(t => t.CreatedAt).ToListAsync());
    }

    /// <summary>Each paid charge is a captured transaction whose order Klarna holds captured for the same amount, and Klarna holds no other.</summary>
    private async Task AssertBooksEqualKlarnasAsync(Guid subscriptionId)
    {
        var (subscription, charges, transactions) = await ReadAsync(subscriptionId);
        var paid = charges.Where(c => c.State == SubscriptionChargeState.Charged).ToList();
        Assert.Equal(paid.Count, transactions.Count);
        foreach (var transaction in transactions)
        {
            var order = Klarna.Order(transaction.Reference)!;
            Assert.Equal((TransactionState.Captured, order.CapturedAmount, order.OrderAmount), (transaction.State, transaction.CapturedAmount, transaction.ReservedAmount));
            Assert.Equal(KlarnaOrderStatus.Captured, order.Status);
        }
        Assert.Equal(transactions.Select(t => t.Reference).Order(), TokenOrders.Where(e => e.Result == subscription.CustomerToken).Select(e => e.OrderId).Order());
    }

    [Fact]
    public async Task A_fourteen_day_trial_is_charged_the_package_price_once_a_month_from_its_end_also_when_the_job_runs_twice()
    {
        var trial = await Plans.AddAsync(Admin, "demo", "try-14", "Two weeks free", "EUR", "DE", new PlanTerms(0, 19, BillingInterval.Month, 1, TrialDays: 14, PackagePlanId: package.Plan.Id));
        var id = await SubscribeAsync(trial);
        var trialEnd = Start.AddDays(14);

        clock.SetUtcNow(trialEnd.AddSeconds(-1));
        await RunJobAsync();
        Assert.Empty(TokenOrders);
        clock.SetUtcNow(trialEnd);
        await Task.WhenAll(RunJobAsync(), RunJobAsync());
        await RunJobAsync();
        clock.SetUtcNow(trialEnd.AddMonths(1).AddMinutes(5));
        await RunJobAsync();
        await RunJobAsync();

        var (subscription, charges, transactions) = await ReadAsync(id);
        Assert.Equal([(0, 1, 990L), (1, 1, 990L)], charges.Select(c => (c.Period, c.Attempt, c.Amount)));
        Assert.Equal(2, TokenOrders.Count);
        Assert.Equal((SubscriptionState.Active, 2, trialEnd.AddMonths(2)), (subscription.State, subscription.NextPeriod, subscription.NextChargeAt));
        Assert.Equal(["Erika Mustermann", "Erika Mustermann"], transactions.Select(t => t.Customer.Name));
        Assert.All(transactions, t => Assert.Equal(("EUR", 990L), (t.Currency, t.CapturedAmount)));
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task A_charge_whose_answer_was_lost_is_asked_again_with_its_key_and_booked_once()
    {
        var id = await SubscribeAsync();
        clock.SetUtcNow(Start.AddMonths(1));
        Klarna.Traffic.Inject(new SandboxInjection("token-order", SandboxFailure.Drop, AfterExecution: true));

        await RunJobAsync();
        var (_, lost, _) = await ReadAsync(id);
        await RunJobAsync();

        Assert.Equal(SubscriptionChargeState.Unknown, Assert.Single(lost).State);
        var (subscription, charges, _) = await ReadAsync(id);
        var charge = Assert.Single(charges);
        Assert.Equal((SubscriptionChargeState.Charged, lost[0].IdempotencyKey), (charge.State, charge.IdempotencyKey));
        Assert.Equal(charge.IdempotencyKey, Assert.Single(TokenOrders).IdempotencyKey);
        Assert.Equal(2, subscription.NextPeriod);
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task A_charge_whose_answer_stayed_lost_longer_than_klarna_keeps_its_key_is_not_sent_again_and_an_operator_books_klarnas_order()
    {
        var id = await SubscribeAsync();
        var due = Start.AddMonths(1);
        clock.SetUtcNow(due);
        Klarna.Traffic.Inject(new SandboxInjection("token-order", SandboxFailure.Drop, AfterExecution: true));
        await RunJobAsync();
        clock.SetUtcNow(due.AddHours(23).AddMinutes(-1));
        Assert.False(Charges.NeedsOperator(Assert.Single((await ReadAsync(id)).Charges)));
        await Assert.ThrowsAsync<BusinessRuleException>(() => Actions.SettleOpenChargeAsync(Operator, id, null));
        clock.SetUtcNow(due.AddDays(2));

        await RunJobAsync();
        var (_, waiting, _) = await ReadAsync(id);
        var placed = Assert.Single(TokenOrders).OrderId;
        var wrong = await Assert.ThrowsAsync<BusinessRuleException>(() => Actions.SettleOpenChargeAsync(Operator, id, "no-such-order"));
        var turn = await Actions.SettleOpenChargeAsync(Operator, id, placed);

        Assert.Equal(SubscriptionChargeState.Unknown, Assert.Single(waiting).State);
        Assert.True(Charges.NeedsOperator(waiting[0]));
        Assert.Contains("no order no-such-order", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(SubscriptionState.Active, turn!.State);
        var (subscription, charges, transactions) = await ReadAsync(id);
        Assert.Equal((SubscriptionChargeState.Charged, placed), (Assert.Single(charges).State, charges[0].ProviderOrderId));
        Assert.Equal((2, placed), (subscription.NextPeriod, Assert.Single(transactions).Reference));
        Assert.Single(TokenOrders);
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task A_charge_that_never_reached_klarna_is_settled_as_not_placed_and_the_next_run_charges_it_under_a_new_key()
    {
        var id = await SubscribeAsync();
        var due = Start.AddMonths(1);
        clock.SetUtcNow(due);
        Klarna.Traffic.Inject(new SandboxInjection("token-order", SandboxFailure.Drop));
        await RunJobAsync();
        clock.SetUtcNow(due.AddDays(1));

        await RunJobAsync();
        Assert.Empty(TokenOrders);
        await Actions.SettleOpenChargeAsync(Operator, id, null);
        await RunJobAsync();

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal([(1, SubscriptionChargeState.Refused, SubscriptionCharge.NotPlacedCode), (2, SubscriptionChargeState.Charged, null)],
            charges.Select(c => (c.Attempt, c.State, c.RefusalCode)));
        Assert.Equal((SubscriptionState.Active, 0), (subscription.State, subscription.FailedAttempts));
        Assert.Equal(charges[1].IdempotencyKey, Assert.Single(TokenOrders).IdempotencyKey);
        Assert.Contains(await AuditDetailsAsync(), d => d.Contains("no order was placed", StringComparison.Ordinal));
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task A_restart_between_sending_and_booking_sends_the_same_charge_again_and_klarna_answers_the_first_order()
    {
        var id = await SubscribeAsync();
        clock.SetUtcNow(Start.AddMonths(1));
        // What a process leaves when it stops after Klarna took the charge and before the booking was saved.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            var subscription = await db.Subscriptions.SingleAsync(s => s.Id == id);
            var sent = new SubscriptionCharge(subscription, 1, clock.GetUtcNow());
            db.SubscriptionCharges.Add(sent);
            await db.SaveChangesAsync();
            var line = new KlarnaOrderLine("Digital", 1, 990, 990, Reference: "SUBSCRIPTION", Type: "digital", TaxRate: 1900, TotalTaxAmount: KlarnaTax.Of(990, 1900),
                Subscription: new KlarnaSubscription("Digital", "MONTH", 1));
            await new KlarnaRestClient(new HttpClient(), TimeProvider.System).CreateTokenOrderAsync(app.Merchant(), subscription.CustomerToken, new KlarnaTokenOrderRequest
            {
                OrderAmount = 990, OrderTaxAmount = line.TotalTaxAmount!.Value, OrderLines = [line], PurchaseCurrency = "EUR", AutoCapture = true,
            }, sent.IdempotencyKey);
        }

        await RunJobAsync();

        var (after, charges, transactions) = await ReadAsync(id);
        Assert.Equal(SubscriptionChargeState.Charged, Assert.Single(charges).State);
        Assert.Single(TokenOrders);
        Assert.Equal(TokenOrders[0].OrderId, Assert.Single(transactions).Reference);
        Assert.Equal(2, after.NextPeriod);
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task An_app_stopped_while_klarna_takes_a_charge_charges_that_period_once_after_it_starts_again()
    {
        // The back office runs on a database of its own and reaches Klarna (this test's app, whose sandbox outlives it) over HTTP.
        await using var database = TestDatabase.Create();
        var first = new BackOfficeAppFactory { Database = database, Clock = clock, Settings = { ["KlarnaRest:Timeout"] = "00:00:03" } }.StartOnLoopback();
        await first.Service<BackOffice.Web.Features.KlarnaRest.KlarnaRestServices>().SaveAsync(first.Staff(Roles.Administrator), "demo",
            new BackOffice.Web.Features.KlarnaRest.KlarnaRestServiceSettings(true, KlarnaRestShop.Username, KlarnaRegion.EU, UseLive: false,
                BaseUrl: app.Merchant().BaseAddress.ToString()), KlarnaRestShop.Password, Guid.Empty);
        var plan = await first.Service<SubscriptionPlans>().AddAsync(first.Staff(Roles.Administrator), "demo", "digital", "Digital", "EUR", "DE", new PlanTerms(990, 19, BillingInterval.Month, 1));
        var id = await SubscribeAsync(sold: plan, shop: first);
        clock.SetUtcNow(Start.AddMonths(1));
        Klarna.Traffic.Inject(new SandboxInjection("token-order", SandboxFailure.Timeout, AfterExecution: true));

        var interrupted = Task.Run(async () =>
        {
            using var scope = first.Services.CreateScope();
            await ActivatorUtilities.CreateInstance<RecurringChargeRun>(scope.ServiceProvider).RunAsync("test", CancellationToken.None);
        });
        while (TokenOrders.Count == 0 && !interrupted.IsCompleted)
            await Task.Delay(20);
        await first.DisposeAsync();
        // The stopped app's run ends as it may when its call times out (its services are gone); what counts is what it
        // left in the database. Its job lease, if it could not give it back, lapses after 30 minutes.
        await Task.WhenAny(interrupted);
        clock.Advance(TimeSpan.FromMinutes(31));
        await using var second = new BackOfficeAppFactory { Database = database, Clock = clock }.StartOnLoopback();
        var left = await ChargesOfAsync(second, id);
        using (var scope = second.Services.CreateScope())
            await ActivatorUtilities.CreateInstance<RecurringChargeRun>(scope.ServiceProvider).RunAsync("test", CancellationToken.None);

        Assert.True(Assert.Single(left).IsOpen, $"The stopped app left the charge {left[0].State}.");
        var charge = Assert.Single(await ChargesOfAsync(second, id));
        Assert.Equal((SubscriptionChargeState.Charged, left[0].IdempotencyKey), (charge.State, charge.IdempotencyKey));
        Assert.Equal(charge.ProviderOrderId, Assert.Single(TokenOrders).OrderId);
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, (await db.Subscriptions.SingleAsync(s => s.Id == id)).NextPeriod);
        var transaction = await db.Transactions.SingleAsync(t => t.Id == charge.TransactionId);
        Assert.Equal((TransactionState.Captured, 990L, 990L), (transaction.State, transaction.CapturedAmount, Klarna.Order(charge.ProviderOrderId!)!.CapturedAmount));
    }

    private static async Task<List<SubscriptionCharge>> ChargesOfAsync(BackOfficeAppFactory shop, Guid subscriptionId)
    {
        await using var db = await shop.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.SubscriptionCharges.AsNoTracking().Where(c => c.SubscriptionId == subscriptionId).ToListAsync();
    }

    [Fact]
    public async Task A_token_klarna_suspends_terminates_the_subscription_at_its_next_charge_with_nothing_charged()
    {
        var id = await SubscribeAsync();
        var (sold, _, _) = await ReadAsync(id);
        Klarna.SteerToken(sold.CustomerToken, KlarnaTokenStatus.Suspended, null);
        clock.SetUtcNow(Start.AddMonths(1));

        await RunJobAsync();
        await RunJobAsync();

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal((SubscriptionState.Terminated, Start.AddMonths(1)), (subscription.State, subscription.EndedAt));
        Assert.Contains(KlarnaTokenErrors.TokenSuspended, subscription.EndReason, StringComparison.Ordinal);
        Assert.Equal((SubscriptionChargeState.Refused, KlarnaTokenErrors.TokenSuspended), (Assert.Single(charges).State, charges[0].RefusalCode));
        Assert.Empty(TokenOrders);
        Assert.Contains(await AuditDetailsAsync(), d => d.Contains(KlarnaTokenErrors.TokenSuspended, StringComparison.Ordinal) && d.Contains("Terminated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_payment_method_is_past_due_and_tried_on_the_schedule_with_a_new_key_each_time_then_terminated()
    {
        var id = await SubscribeAsync();
        var (sold, _, _) = await ReadAsync(id);
        var failed = KlarnaTokenErrors.PaymentMethodFailed;
        Klarna.SteerToken(sold.CustomerToken, null, [failed, failed, failed, failed]);
        var due = Start.AddMonths(1);

        clock.SetUtcNow(due);
        await RunJobAsync();
        var (pastDue, _, _) = await ReadAsync(id);
        await RunJobAsync();
        foreach (var wait in RetrySchedule.AsWaits(RetrySchedule.Default))
        {
            clock.Advance(wait);
            await RunJobAsync();
        }

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal((SubscriptionState.PastDue, due.AddDays(1)), (pastDue.State, pastDue.NextChargeAt));
        Assert.Equal([1, 2, 3, 4], charges.Select(c => c.Attempt));
        Assert.Equal(4, charges.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.All(charges, c => Assert.Equal((SubscriptionChargeState.Refused, failed), (c.State, c.RefusalCode)));
        Assert.Equal(SubscriptionState.Terminated, subscription.State);
        Assert.Empty(TokenOrders);
    }

    [Fact]
    public async Task The_administrators_retry_schedule_decides_when_a_past_due_period_is_tried_again_and_when_it_ends()
    {
        await Plans.ChangeRetryDaysAsync(Admin, "demo", "2, 5");
        var id = await SubscribeAsync();
        var (sold, _, _) = await ReadAsync(id);
        var failed = KlarnaTokenErrors.PaymentMethodFailed;
        Klarna.SteerToken(sold.CustomerToken, null, [failed, failed, failed]);
        var due = Start.AddMonths(1);

        clock.SetUtcNow(due);
        await RunJobAsync();
        var (first, _, _) = await ReadAsync(id);
        clock.SetUtcNow(due.AddDays(2).AddSeconds(-1));
        await RunJobAsync();
        clock.SetUtcNow(due.AddDays(2));
        await RunJobAsync();
        var (second, _, _) = await ReadAsync(id);
        clock.SetUtcNow(due.AddDays(7));
        await RunJobAsync();

        Assert.Equal((SubscriptionState.PastDue, due.AddDays(2)), (first.State, first.NextChargeAt));
        Assert.Equal((SubscriptionState.PastDue, due.AddDays(7), 2), (second.State, second.NextChargeAt, second.FailedAttempts));
        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal([1, 2, 3], charges.Select(c => c.Attempt));
        Assert.Equal((SubscriptionState.Terminated, due.AddDays(7)), (subscription.State, subscription.EndedAt));
        Assert.Empty(TokenOrders);
    }

    [Fact]
    public async Task A_channel_without_retries_terminates_at_the_first_failed_payment_method()
    {
        await Plans.ChangeRetryDaysAsync(Admin, "demo", "");
        var id = await SubscribeAsync();
        var (sold, _, _) = await ReadAsync(id);
        Klarna.SteerToken(sold.CustomerToken, null, [KlarnaTokenErrors.PaymentMethodFailed]);
        clock.SetUtcNow(Start.AddMonths(1));

        await RunJobAsync();

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal((SubscriptionState.Terminated, 1), (subscription.State, Assert.Single(charges).Attempt));
    }

    [Fact]
    public async Task A_past_due_charge_paid_on_its_retry_makes_the_subscription_active_with_its_periods_where_they_were()
    {
        var id = await SubscribeAsync();
        var (sold, _, _) = await ReadAsync(id);
        Klarna.SteerToken(sold.CustomerToken, null, [KlarnaTokenErrors.PaymentMethodFailed]);
        clock.SetUtcNow(Start.AddMonths(1));

        await RunJobAsync();
        clock.Advance(TimeSpan.FromDays(1));
        await RunJobAsync();

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal([SubscriptionChargeState.Refused, SubscriptionChargeState.Charged], charges.Select(c => c.State));
        Assert.Equal((SubscriptionState.Active, Start.AddMonths(2), 0), (subscription.State, subscription.NextChargeAt, subscription.FailedAttempts));
        await AssertBooksEqualKlarnasAsync(id);
    }

    [Fact]
    public async Task A_price_changed_after_a_sale_applies_to_subscriptions_sold_afterwards_only()
    {
        var before = await SubscribeAsync();
        var changed = await Plans.ChangeTermsAsync(Admin, "demo", "digital", new PlanTerms(1290, 19, BillingInterval.Month, 1));
        var after = await SubscribeAsync(sold: changed);
        clock.SetUtcNow(Start.AddMonths(1));

        await RunJobAsync();

        Assert.Equal(2, changed.Version.Version);
        Assert.Equal(990L, Assert.Single((await ReadAsync(before)).Charges).Amount);
        Assert.Equal(1290L, Assert.Single((await ReadAsync(after)).Charges).Amount);
        await AssertBooksEqualKlarnasAsync(before);
        await AssertBooksEqualKlarnasAsync(after);
        await Assert.ThrowsAsync<BusinessRuleException>(() => Plans.ChangeTermsAsync(Admin, "demo", "digital", new PlanTerms(1290, 19, BillingInterval.Month, 1)));
    }

    [Fact]
    public async Task A_subscription_cancelled_at_its_period_end_ends_then_without_a_charge()
    {
        var id = await SubscribeAsync();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            (await db.Subscriptions.SingleAsync(s => s.Id == id)).CancelAtEnd();
            await db.SaveChangesAsync();
        }
        clock.SetUtcNow(Start.AddMonths(1));

        await RunJobAsync();

        var (subscription, charges, _) = await ReadAsync(id);
        Assert.Equal((SubscriptionState.Cancelled, Start.AddMonths(1)), (subscription.State, subscription.EndedAt));
        Assert.Empty(charges);
        Assert.Empty(TokenOrders);
    }

    [Fact]
    public async Task The_shop_hears_the_start_each_paid_period_and_the_end_a_suspended_token_brings_through_its_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await app.Service<WebhookEndpoints>().CreateAsync(Admin, "demo", receiver.Address("demo"),
            [WebhookEventTypes.SubscriptionStarted, WebhookEventTypes.SubscriptionRenewed, WebhookEventTypes.SubscriptionPastDue, WebhookEventTypes.SubscriptionTerminated]);
        var id = await SubscribeAsync();
        await receiver.WaitForAsync(all => all.Count == 1);
        clock.SetUtcNow(Start.AddMonths(1));
        await RunJobAsync();
        await receiver.WaitForAsync(all => all.Count == 2);
        var (sold, _, _) = await ReadAsync(id);
        Klarna.SteerToken(sold.CustomerToken, KlarnaTokenStatus.Suspended, null);
        clock.SetUtcNow(Start.AddMonths(2));
        await RunJobAsync();
        await receiver.WaitForAsync(all => all.Count == 3);

        Assert.Equal([WebhookEventTypes.SubscriptionStarted, WebhookEventTypes.SubscriptionRenewed, WebhookEventTypes.SubscriptionTerminated], receiver.Accepted.Select(r => r.Type));
        Assert.All(receiver.Accepted, r => Assert.Equal(id.ToString(), r.Json.GetProperty("subscription_id").GetString()));
        var renewed = receiver.Accepted[1].Json;
        Assert.Equal(("Active", 2, 990L), (renewed.GetProperty("state").GetString(), renewed.GetProperty("paid_periods").GetInt32(), renewed.GetProperty("next_charge_amount").GetInt64()));
        var terminated = receiver.Accepted[2].Json;
        Assert.Equal("Terminated", terminated.GetProperty("state").GetString());
        Assert.Contains(KlarnaTokenErrors.TokenSuspended, terminated.GetProperty("end_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, terminated.GetProperty("next_charge_at").ValueKind);
        var deliveries = await app.Service<WebhookEndpoints>().DeliveriesAsync((await app.Service<WebhookEndpoints>().ListAsync("demo")).Single().Id);
        Assert.All(deliveries, d => Assert.Equal((id.ToString(), (Guid?)null), (d.Subject, d.TransactionId)));
    }

    private async Task<IReadOnlyList<string>> AuditDetailsAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return [.. (await db.AuditEntries.AsNoTracking().Where(e => e.Area == "Subscriptions").ToListAsync()).Select(e => e.Details.ToString())];
    }
}
