using BackOffice.CardAcquirer;
using BackOffice.CardAcquirer.Sandbox;
using BackOffice.KlarnaRest.Sandbox;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>
/// Settling a captured Klarna order by virtual cards, in the app against the Klarna REST sandbox (the cards' issuer) and
/// the card acquirer sandbox over HTTP: per seller or whole, each card decrypted with the channel's own key and charged;
/// what the acquirer holds equals the books, a lost answer is looked up and never sent twice, and the card numbers are
/// nowhere in the database or the logs.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>), its clock and the channel's sellers; each begins with a new key for
/// virtual cards enrolled at an emptied issuer, no transaction or settlement, and Klarna's orders and the acquirer's
/// payments emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class CardSettlementsTests(CardSettlementsTests.App shared) : IClassFixture<CardSettlementsTests.App>, IAsyncLifetime
{
    private static readonly (string, string, int, long)[] MarketplaceBasket = [("N-100", "Lamp", 2, 2500), ("N-200", "Bulb", 4, 250), ("S-300", "Chair", 1, 4990)];

    private readonly FakeTimeProvider clock = shared.Clock;
    private readonly BackOfficeAppFactory app = shared.Factory;

    /// <summary>The app of this class and its demo channel's two sellers.</summary>
    public sealed class App : IAsyncLifetime
    {
        public App() =>
            Factory = new BackOfficeAppFactory { Clock = Clock, Settings = { ["KlarnaRest:Timeout"] = "00:00:02", ["CardAcquirer:Timeout"] = "00:00:02" } };

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public BackOfficeAppFactory Factory { get; }

        public async Task InitializeAsync()
        {
            await Factory.StartWithKlarnaRestAsync();
            var admin = Factory.Staff(Roles.Administrator);
            await Factory.Service<MarketplaceSellers>().AddAsync(admin, "demo", "North Lights", "N-");
            await Factory.Service<MarketplaceSellers>().AddAsync(admin, "demo", "South Seats", "S-");
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    /// <summary>What the test before stored and left at Klarna, the issuer and the acquirer is gone, its key too.</summary>
    public async Task InitializeAsync()
    {
        var admin = app.Staff(Roles.Administrator);
        var keys = app.Service<VirtualCardKeys>();
        foreach (var old in (await keys.ListAsync("demo")).Where(k => k.State != VirtualCardKeyState.Retired))
            await keys.RetireAsync(admin, "demo", old.Id);
        app.Service<SandboxCardIssuer>().Reset();
        var key = await keys.GenerateAsync(admin, "demo");
        await keys.EnrolAsync(admin, "demo", key.Id, app.Service<SandboxCardIssuer>().Enrol(key.PublicJwk, out _)!);
        app.EmptyKlarnaRestSandbox();
        Acquirer.Reset();
        Acquirer.Traffic.Reset();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        await db.DeleteTransactionsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private CardSettlements Settlements => app.Service<CardSettlements>();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private CardAcquirerSandbox Acquirer => app.Service<CardAcquirerSandbox>();

    private async Task<Guid> CapturedOrderAsync(string orderNumber, IReadOnlyList<(string, string, int, long)>? basket = null) =>
        (await CaptureAsync(orderNumber, basket)).Id;

    private async Task<(Guid Id, string Invoice)> CaptureAsync(string orderNumber, IReadOnlyList<(string, string, int, long)>? basket = null)
    {
        var id = await app.PlaceKlarnaRestOrderAsync(orderNumber, basket: basket);
        var outcome = await app.Service<TransactionService>().CaptureAsync(Clerk, id, CaptureRequest.Remaining());
        Assert.True(outcome.Succeeded, outcome.ToString());
        return (id, outcome.InvoiceNumber!);
    }

    private async Task RefundAsync(Guid id, RefundRequest request)
    {
        var outcome = await app.Service<TransactionService>().RefundAsync(Clerk, id, request);
        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Fact]
    public async Task A_refund_of_a_sellers_lines_follows_on_that_sellers_card_and_one_by_amount_goes_where_room_is_left_each_once()
    {
        var (id, invoice) = await CaptureAsync("REFUND-1", MarketplaceBasket);
        await Settlements.SettleAsync(Clerk, id, perSeller: true, multiUse: false);

        await RefundAsync(id, new RefundRequest(invoice, Lines: [new LineQuantity("S-300", 1)]));
        var due = await Settlements.FindAsync(id);
        var afterLines = await Settlements.ContinueAsync(Clerk, id);
        await RefundAsync(id, new RefundRequest(invoice, Amount: 1001));
        var afterAmount = await Settlements.ContinueAsync(Clerk, id);
        var again = await Settlements.ContinueAsync(Clerk, id);

        Assert.Equal(4990L, due!.RefundsDue);
        Assert.Equal([("North Lights", 0L), ("South Seats", 4990L)], afterLines.Charges.Select(c => (c.Seller!, c.RefundedAmount)));
        Assert.Equal(5991L, afterAmount.Charges.Sum(c => c.RefundedAmount));
        Assert.Equal([("North Lights", 1001L), ("South Seats", 4990L)], afterAmount.Charges.Select(c => (c.Seller!, c.RefundedAmount)));
        Assert.Equal(0L, again.RefundsDue);
        Assert.Equal(2, Acquirer.Traffic.Calls["refund"]);
        foreach (var charge in again.Charges)
            Assert.Equal(charge.RefundedAmount, Acquirer.Payments.Single(p => p.PaymentId == charge.AcquirerPaymentId).RefundedAmount);
    }

    [Fact]
    public async Task A_refund_by_amount_is_spread_over_the_sellers_cards_by_their_parts()
    {
        var (id, invoice) = await CaptureAsync("REFUND-3", MarketplaceBasket);
        await Settlements.SettleAsync(Clerk, id, perSeller: true, multiUse: false);

        await RefundAsync(id, new RefundRequest(invoice, Amount: 1001));
        var view = await Settlements.ContinueAsync(Clerk, id);

        // 1001 × 6000 / 10990 = 546.5 and 1001 × 4990 / 10990 = 454.5: the cent over goes to the larger remainder, ties by id.
        Assert.Equal(1001L, view.Charges.Sum(c => c.RefundedAmount));
        Assert.All(view.Charges, c => Assert.InRange(c.RefundedAmount - 1001L * c.Amount / 10990, 0, 1));
        Assert.Equal(view.Charges.Select(c => c.RefundedAmount).Order(), Acquirer.Payments.Select(p => p.RefundedAmount).Order());
    }

    private async Task<BackOffice.Web.Features.Jobs.JobRun> RunCheckAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetServices<BackOffice.Web.Features.Jobs.IRecurringJob>().OfType<CardSettlementCheck>().Single();
        return (await job.RunAsync("Test", CancellationToken.None))!;
    }

    [Fact]
    public async Task The_job_follows_a_refund_of_the_order_on_the_card_once_and_leaves_a_declined_card_to_the_operator()
    {
        var (refunded, invoice) = await CaptureAsync("JOB-1");
        await Settlements.SettleAsync(Clerk, refunded, perSeller: false, multiUse: false);
        await RefundAsync(refunded, new RefundRequest(invoice, Amount: 500));
        var declined = await CapturedOrderAsync("JOB-2");
        Acquirer.DeclineNext("do_not_honor", 1);
        await Settlements.SettleAsync(Clerk, declined, perSeller: false, multiUse: false);

        var first = await RunCheckAsync();
        var second = await RunCheckAsync();

        Assert.Equal((1, 0), (first.Changed, first.Failed));
        Assert.Equal(0, second.Changed);
        Assert.Equal(500L, (await Settlements.FindAsync(refunded))!.Charges.Single().RefundedAmount);
        Assert.Equal(CardChargeState.Declined, (await Settlements.FindAsync(declined))!.Charges.Single().State);
        Assert.Equal(1, Acquirer.Traffic.Calls["refund"]);
        Assert.Equal(2, Acquirer.Traffic.Calls["authorize"]);
        Assert.Equal(500L, Acquirer.Payments.Single(p => p.Status == AcquirerPaymentStatus.Captured).RefundedAmount);
    }

    [Fact]
    public async Task The_list_filters_by_settled_by_card_the_csv_names_it_and_the_overview_counts_it()
    {
        var settled = await CapturedOrderAsync("MARK-1");
        var other = await CapturedOrderAsync("MARK-2");
        await Settlements.SettleAsync(Clerk, settled, perSeller: false, multiUse: false);
        var query = app.Service<TransactionQuery>();

        var (page, count) = await query.SearchAsync(new TransactionSearch(Mark: "virtual-card"), TransactionPageRequest.First(25));
        var unknownMark = await query.CountAsync(new TransactionSearch(Mark: "no-such-mark"));
        using var csv = new MemoryStream();
        await query.WriteCsvAsync(new TransactionSearch(Text: "MARK-"), csv, BackOffice.Web.Features.CsvFormat.For(System.Globalization.CultureInfo.InvariantCulture, null));
        var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var overview = await app.Service<BackOffice.Web.Features.Overview.OverviewQuery>().LoadAsync();

        Assert.Equal([settled], page.Rows.Select(r => r.Id));
        Assert.Equal((1, 0), (count.Value, unknownMark.Value));
        Assert.EndsWith("Marks", lines[0].Trim());
        Assert.EndsWith("Settled by virtual card", lines.Single(l => l.StartsWith("MARK-1", StringComparison.Ordinal)).Trim());
        Assert.DoesNotContain("virtual card", lines.Single(l => l.StartsWith("MARK-2", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(new BackOffice.Web.Features.Overview.MarkFigure("virtual-card", "Settled by virtual card", 1), Assert.Single(overview.Marks));
        Assert.NotEqual(other, settled);
    }

    [Fact]
    public async Task A_card_refund_whose_answer_was_lost_is_found_on_the_payment_and_not_sent_again()
    {
        var (id, invoice) = await CaptureAsync("REFUND-2");
        await Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false);
        await RefundAsync(id, new RefundRequest(invoice, Amount: 549));
        Acquirer.Traffic.Inject(new SandboxInjection("refund", SandboxFailure.Drop, AfterExecution: true));

        var view = await Settlements.ContinueAsync(Clerk, id);
        var again = await Settlements.ContinueAsync(Clerk, id);

        Assert.Equal((549L, 0L), (view.Charges.Single().RefundedAmount, view.RefundsDue));
        Assert.Equal(549L, again.Charges.Single().RefundedAmount);
        Assert.Equal(1, Acquirer.Traffic.Calls["refund"]);
        Assert.Equal(549L, Assert.Single(Acquirer.Payments).RefundedAmount);
    }

    [Fact]
    public async Task An_order_of_two_sellers_gets_a_card_each_charged_at_the_acquirer_and_no_card_number_is_kept_anywhere()
    {
        var id = await CapturedOrderAsync("MARKET-1", MarketplaceBasket);

        var plan = await Settlements.PlanAsync(id);
        var view = await Settlements.SettleAsync(Clerk, id, perSeller: true, multiUse: false);

        Assert.Equal([new SellerPart("North Lights", 6000), new SellerPart("South Seats", 4990)], plan.Sellers);
        Assert.Equal(CardSettlementState.Issued, view.State);
        var issued = app.Service<SandboxCardIssuer>().Cards;
        Assert.Equal(2, issued.Count);
        Assert.Equal([("North Lights", 6000L), ("South Seats", 4990L)], view.Charges.Select(c => (c.Seller!, c.Amount)));
        foreach (var charge in view.Charges)
        {
            var card = issued.Single(c => c.Reference == charge.Seller);
            Assert.Equal((CardChargeState.Captured, "VISA", card.Pan[^4..], int.Parse(card.ExpiryDate[..2])), (charge.State, charge.Brand, charge.LastFour, charge.ExpiryMonth));
            var payment = Acquirer.Payments.Single(p => p.PaymentId == charge.AcquirerPaymentId);
            Assert.Equal((AcquirerPaymentStatus.Captured, charge.Amount, charge.Amount), (payment.Status, payment.AuthorizedAmount, payment.CapturedAmount));
        }
        Assert.Equal(2, Acquirer.Payments.Count);
        foreach (var pan in issued.Select(c => c.Pan))
        {
            Assert.False(await app.Database.HoldsAsync(pan), "the card number is in the database");
            Assert.DoesNotContain(app.Logs.Messages, m => m.Contains(pan, StringComparison.Ordinal));
        }
        Assert.True(await app.Database.HoldsAsync(view.Charges[0].AcquirerPaymentId!), "the search finds what is kept");
    }

    [Fact]
    public async Task One_multi_use_card_serves_every_seller_with_a_charge_each()
    {
        var id = await CapturedOrderAsync("MARKET-2", MarketplaceBasket);

        var view = await Settlements.SettleAsync(Clerk, id, perSeller: true, multiUse: true);

        var card = Assert.Single(app.Service<SandboxCardIssuer>().Cards);
        Assert.Equal(10990L, card.Amount);
        Assert.True(view.MultiUse);
        Assert.All(view.Charges, c => Assert.Equal((CardChargeState.Captured, card.Pan[^4..]), (c.State, c.LastFour)));
        Assert.Equal([4990L, 6000L], Acquirer.Payments.Select(p => p.CapturedAmount).Order());
    }

    [Fact]
    public async Task An_order_settles_with_one_card_and_a_second_settlement_is_refused()
    {
        var id = await CapturedOrderAsync("WHOLE-1");

        var view = await Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false);
        var again = await Assert.ThrowsAsync<BusinessRuleException>(() => Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false));

        var charge = Assert.Single(view.Charges);
        Assert.Equal((null, 3549L, CardChargeState.Captured), (charge.Seller, charge.Amount, charge.State));
        Assert.Equal("This order is settled by virtual cards already.", again.Text.Key);
        Assert.Single(app.Service<SandboxCardIssuer>().Cards);
        Assert.Single(Acquirer.Payments);
    }

    [Fact]
    public async Task A_settlement_whose_answer_was_lost_is_read_back_by_order_and_its_cards_charged_once()
    {
        var id = await CapturedOrderAsync("LOST-1", MarketplaceBasket);
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("card-settlement", SandboxFailure.Drop, AfterExecution: true));

        var view = await Settlements.SettleAsync(Clerk, id, perSeller: true, multiUse: false);

        Assert.Equal(CardSettlementState.Issued, view.State);
        Assert.Equal(1, app.KlarnaRestSandbox().Traffic.Calls["card-settlement"]);
        Assert.Equal(1, app.KlarnaRestSandbox().Traffic.Calls["get-card-settlement"]);
        Assert.Equal(2, app.Service<SandboxCardIssuer>().Cards.Count);
        Assert.All(view.Charges, c => Assert.Equal(CardChargeState.Captured, c.State));
    }

    [Fact]
    public async Task An_authorization_whose_answer_was_lost_is_found_by_its_reference_and_not_charged_twice()
    {
        var id = await CapturedOrderAsync("LOST-2");
        Acquirer.Traffic.Inject(new SandboxInjection("authorize", SandboxFailure.Drop, AfterExecution: true));

        var view = await Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false);

        var charge = Assert.Single(view.Charges);
        var payment = Assert.Single(Acquirer.Payments);
        Assert.Equal((CardChargeState.Captured, payment.PaymentId, 3549L), (charge.State, charge.AcquirerPaymentId, payment.CapturedAmount));
        Assert.Equal(1, Acquirer.Traffic.Calls["authorize"]);
        Assert.Equal(1, Acquirer.Traffic.Calls["find-payments"]);
    }

    [Fact]
    public async Task A_capture_whose_answer_was_lost_stays_unknown_until_it_cannot_arrive_then_is_looked_up_and_taken()
    {
        var id = await CapturedOrderAsync("LOST-3");
        Acquirer.Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Drop, AfterExecution: true));

        var lost = await Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false);
        var early = await Settlements.ContinueAsync(Clerk, id);
        clock.Advance(TimeSpan.FromMinutes(2));
        var resolved = await Settlements.ContinueAsync(Clerk, id);

        Assert.Equal((CardChargeState.Capturing, false), (lost.Charges.Single().State, lost.Charges.Single().Unknown));
        Assert.Equal(CardChargeState.Capturing, early.Charges.Single().State);
        Assert.Equal((CardChargeState.Captured, 3549L), (resolved.Charges.Single().State, resolved.Charges.Single().CapturedAmount));
        Assert.Equal(1, Acquirer.Traffic.Calls["capture"]);
        Assert.Equal(3549L, Assert.Single(Acquirer.Payments).CapturedAmount);
    }

    [Fact]
    public async Task A_declined_card_is_shown_with_its_code_and_charged_again_only_when_the_operator_carries_on()
    {
        var id = await CapturedOrderAsync("DECLINE-1");
        Acquirer.DeclineNext("do_not_honor", 1);

        var declined = await Settlements.SettleAsync(Clerk, id, perSeller: false, multiUse: false);
        var retried = await Settlements.ContinueAsync(Clerk, id);

        Assert.Equal((CardChargeState.Declined, "do_not_honor"), (declined.Charges.Single().State, declined.Charges.Single().DeclineCode));
        Assert.Equal(CardChargeState.Captured, retried.Charges.Single().State);
        Assert.Equal([AcquirerPaymentStatus.Declined, AcquirerPaymentStatus.Captured], Acquirer.Payments.Select(p => p.Status));
        Assert.Equal(2, Acquirer.Payments.Select(p => p.MerchantReference).Distinct().Count());
    }

    [Fact]
    public async Task An_order_not_captured_or_without_a_key_or_with_lines_of_no_seller_is_refused_and_nothing_is_asked_of_klarna()
    {
        var open = await app.PlaceKlarnaRestOrderAsync("OPEN-1");
        var captured = await CapturedOrderAsync("NOSELLER-1");

        var notCaptured = await Assert.ThrowsAsync<BusinessRuleException>(() => Settlements.SettleAsync(Clerk, open, perSeller: false, multiUse: false));
        var noSeller = await Assert.ThrowsAsync<BusinessRuleException>(() => Settlements.SettleAsync(Clerk, captured, perSeller: true, multiUse: false));
        var admin = app.Staff(Roles.Administrator);
        foreach (var key in await app.Service<VirtualCardKeys>().ListAsync("demo"))
            await app.Service<VirtualCardKeys>().RetireAsync(admin, "demo", key.Id);
        var noKey = await Assert.ThrowsAsync<BusinessRuleException>(() => Settlements.SettleAsync(Clerk, captured, perSeller: false, multiUse: false));

        Assert.Equal("Only a captured order with nothing refunded can be settled by virtual cards.", notCaptured.Text.Key);
        Assert.Equal("The line {0} belongs to no seller of the channel.", noSeller.Text.Key);
        Assert.Equal("The channel has no key for virtual cards; an administrator generates one and enters the key ID Klarna gives for it.", noKey.Text.Key);
        Assert.False(app.KlarnaRestSandbox().Traffic.Calls.ContainsKey("card-settlement"));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.CardSettlements.ToListAsync());
    }
}
