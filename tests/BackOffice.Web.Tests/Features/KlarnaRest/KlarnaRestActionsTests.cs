using BackOffice.KlarnaRest;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>
/// Klarna Payments (direct) in the app against its sandbox over HTTP: the service's settings and Initialize, the
/// after-purchase actions beside capture and refund, and a reconciliation once the idempotency key has run out.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>) and its clock; each begins with the service set up again, no
/// transaction or audit entry, and the sandbox emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class KlarnaRestActionsTests(KlarnaRestActionsTests.App shared) : IClassFixture<KlarnaRestActionsTests.App>, IAsyncLifetime
{
    private readonly SteppedClock clock = shared.Clock;
    private readonly BackOfficeAppFactory app = shared.Factory;

    public sealed class App : IAsyncLifetime
    {
        public App() => Factory = new BackOfficeAppFactory { Clock = Clock, Settings = { ["KlarnaRest:Timeout"] = "00:00:02" } };

        public SteppedClock Clock { get; } = new(DateTimeOffset.UtcNow);

        public BackOfficeAppFactory Factory { get; }

        public Task InitializeAsync()
        {
            Factory.StartOnLoopback();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    /// <summary>What the test before changed (the service's password, say), stored and left in the sandbox is undone.</summary>
    public async Task InitializeAsync()
    {
        app.EmptyKlarnaRestSandbox();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            await db.DeleteTransactionsAsync();
            await db.AuditEntries.ExecuteDeleteAsync();
        }
        await app.SetUpKlarnaRestAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private KlarnaRestServices Services => app.Service<KlarnaRestServices>();

    private TransactionService Transactions => app.Service<TransactionService>();

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private async Task<Transaction> BooksAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    [Fact]
    public async Task Initialize_proves_the_credentials_and_tells_a_wrong_password_apart_and_the_password_is_kept_encrypted()
    {
        var admin = app.Staff(Roles.Administrator);

        var worked = await Services.InitializeAsync(admin, "demo");
        var view = await Services.FindAsync("demo");
        await Services.SaveAsync(admin, "demo", view.Settings, "not-the-password", view.Version);
        var refused = await Services.InitializeAsync(admin, "demo");

        Assert.True(worked.Succeeded, worked.Message.ToString());
        Assert.Equal((false, "Klarna refused the username {0} and its password ({1}): check them, and the region and environment they belong to."), (refused.Succeeded, refused.Message.Key));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var stored = await (from s in db.KlarnaRestServices join c in db.Channels on s.ChannelId equals c.Id where c.Code == "demo" select s).AsNoTracking().SingleAsync();
        Assert.DoesNotContain("not-the-password", stored.ProtectedPassword, StringComparison.Ordinal);
        Assert.Contains(await db.AuditEntries.AsNoTracking().Select(a => a.Action).ToListAsync(), a => a == "Initialized");
        Assert.DoesNotContain(await db.AuditEntries.AsNoTracking().Select(a => a.Details).ToListAsync(), d => d.ToString().Contains("not-the-password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, "PK user", null, "An API username has no spaces and no colon.")]
    [InlineData(true, null, null, "An enabled service needs the API username.")]
    [InlineData(false, "PK_demo_shop", "ftp://klarna.example/", "'{0}' is not a web address such as https://api.klarna.com/.")]
    public async Task Bad_settings_are_refused_in_words_and_change_nothing(bool enabled, string? username, string? baseUrl, string error)
    {
        var view = await Services.FindAsync("demo");

        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Services.SaveAsync(app.Staff(Roles.Administrator), "demo",
            new KlarnaRestServiceSettings(enabled, username, KlarnaRegion.EU, false, baseUrl), null, view.Version));

        Assert.Equal(error, refused.Text.Key);
        Assert.Equal(view.Version, (await Services.FindAsync("demo")).Version);
    }

    [Fact]
    public async Task Extending_reads_klarnas_new_expiry_into_the_books()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-EXTEND");
        clock.Advance(TimeSpan.FromDays(3));

        var extended = await Transactions.ExtendExpiryAsync(Clerk, id);

        var order = app.KlarnaRestSandbox().Order((await BooksAsync(id)).Reference)!;
        Assert.Equal(OperationState.Succeeded, extended.State);
        Assert.Equal(clock.GetUtcNow().AddDays(28), order.ExpiresAt);
        Assert.Equal(order.ExpiresAt!.Value, (await BooksAsync(id)).ExpiresAt, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Lines_the_order_number_and_the_shipping_address_change_at_klarna_as_in_the_books()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-CHANGE");
        var books = await BooksAsync(id);
        var moved = books.ShippingAddress with { Street = "Neue Straße", HouseNumber = "7", PostalCode = "41462" };

        var edited = await Transactions.EditLinesAsync(Clerk, id, [new LineQuantity("C3", 1)]);
        var renamed = await Transactions.ChangeOrderNumberAsync(Clerk, id, "KR-CHANGE-2");
        var readdressed = await Transactions.ChangeAddressAsync(Clerk, id, books.BillingAddress, moved);
        var billing = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.ChangeAddressAsync(Clerk, id, moved, moved));

        Assert.Equal((OperationState.Succeeded, OperationState.Succeeded, OperationState.Succeeded), (edited.State, renamed.State, readdressed.State));
        var order = app.KlarnaRestSandbox().Order(books.Reference)!;
        books = await BooksAsync(id);
        Assert.Equal((books.ReservedAmount, 2000L + 550 + 333), (order.OrderAmount, order.OrderAmount));
        Assert.Equal([("A1", 2L), ("B2", 1L), ("C3", 1L)], order.OrderLines.Select(l => (l.Reference!, l.Quantity)));
        Assert.Equal(("KR-CHANGE-2", "KR-CHANGE-2"), (order.MerchantReference1, books.OrderNumber));
        Assert.Equal(("Neue Straße 7", "41462"), (order.ShippingAddress!.StreetAddress, order.ShippingAddress.PostalCode));
        Assert.Equal("Klarna takes only a new shipping address; the billing address stays.", billing.Text.Key);
    }

    [Fact]
    public async Task Sending_a_captures_invoice_again_has_klarna_send_it_out_once()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-SENDOUT");
        var capture = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1000));

        var resent = await Transactions.ResendInvoiceAsync(Clerk, id, capture.InvoiceNumber!, InvoiceDelivery.AsTheCustomerChose);

        Assert.Equal(OperationState.Succeeded, resent.State);
        Assert.Single(app.KlarnaRestSandbox().Executions, e => e.Operation == "trigger-send-out" && e.Result == capture.InvoiceNumber);
    }

    [Fact]
    public async Task A_capture_lost_on_the_way_that_klarna_never_saw_ends_failed_once_its_key_has_run_out()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-LATE");
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Timeout));

        var lost = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 1000));
        clock.Advance(TimeSpan.FromHours(25));
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal((OperationState.Unknown, OperationState.Failed), (lost.State, reconciled.State));
        Assert.Contains("did not happen", reconciled.Message.ToString(), StringComparison.Ordinal);
        var books = await BooksAsync(id);
        Assert.Equal(0L, books.CapturedAmount);
        Assert.Null(books.ActiveOperationId);
        Assert.Empty(app.KlarnaRestSandbox().Order(books.Reference)!.Captures);
    }

    [Fact]
    public async Task A_cancellation_whose_answer_was_lost_is_found_in_klarnas_order_and_not_sent_again()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-CANCEL");
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("cancel", SandboxFailure.ServerError, AfterExecution: true));

        var lost = await Transactions.CancelAsync(Clerk, id);
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);

        Assert.Equal((OperationState.Unknown, OperationState.Succeeded), (lost.State, reconciled.State));
        Assert.Equal(TransactionState.Cancelled, (await BooksAsync(id)).State);
        Assert.Equal(1, app.KlarnaRestSandbox().Traffic.Calls["cancel"]);
    }

    [Fact]
    public async Task A_capture_reaches_klarna_with_its_carrier_and_tracking_number_also_when_it_is_sent_again()
    {
        var id = await app.PlaceKlarnaRestOrderAsync("KR-SHIPPED");
        app.KlarnaRestSandbox().Traffic.Inject(new SandboxInjection("capture", SandboxFailure.Timeout));

        var lost = await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 2000, Shipment: new Shipment(" DHL DE ", "00340434161234567890")));
        var reconciled = await Transactions.ReconcileAsync(Clerk, id);
        var tooLong = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 100, Shipment: new Shipment(new string('x', 101), ""))));

        Assert.Equal((OperationState.Unknown, OperationState.Succeeded), (lost.State, reconciled.State));
        var shipped = Assert.Single(app.KlarnaRestSandbox().Order((await BooksAsync(id)).Reference)!.Captures).ShippingInfo.Single();
        Assert.Equal(("DHL DE", "00340434161234567890"), (shipped.ShippingCompany, shipped.TrackingNumber));
        Assert.Equal("A carrier and a tracking number have at most {0} characters each.", tooLong.Text.Key);
    }

    [Fact]
    public async Task A_provider_that_takes_no_shipment_refuses_a_capture_with_one()
    {
        var (id, _) = await DemoReservations.ReserveAsync(app);

        var refused = await Assert.ThrowsAsync<BusinessRuleException>(() => Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 100, Shipment: new Shipment("DHL DE", "1"))));

        Assert.Equal(("{0} cannot do this: “{1}” is not one of its actions.", 0L), (refused.Text.Key, (await BooksAsync(id)).CapturedAmount));
    }
}
