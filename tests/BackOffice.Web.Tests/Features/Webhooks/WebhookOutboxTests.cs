using System.Text.Json;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Features.Webhooks;
using BackOffice.Web.Tests.Infrastructure;
using BackOffice.Web.Tests.TestProvider;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Webhooks;

/// <summary>
/// The outbox: every change of the books, by whatever path, is its event in the same save; a save that fails leaves
/// none, and a channel without endpoints gets none. The endpoints are administered with their secret shown once.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class WebhookOutboxTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Webhooks:FirstRetry"] = "00:00:00.100", ["Webhooks:PreviousSecretValidFor"] = "00:00:02" } };
    private WebhookReceiver receiver = null!;

    private System.Security.Claims.ClaimsPrincipal Clerk => app.Staff(Roles.Operator, "clerk@test.local");

    private System.Security.Claims.ClaimsPrincipal Administrator => app.Staff(Roles.Administrator);

    private TransactionService Transactions => app.Service<TransactionService>();

    private WebhookEndpoints Endpoints => app.Service<WebhookEndpoints>();

    private TestPayLedger Ledger => app.Service<TestPayLedger>();

    private IDbContextFactory<BackOfficeDbContext> Databases => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();

    public async Task InitializeAsync()
    {
        app.TestServices.Add(services => new TestPayModule().AddServices(services));
        receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task Each_change_of_the_books_is_its_event_with_the_amount_it_moved()
    {
        await Endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), WebhookEventTypes.All);
        var id = await TestPayOrders.AuthorizeAsync(app, "WH-EVENTS", 10_000);
        Ledger.FailNext(OperationKind.Capture, TestPayFault.AnswerLost);
        await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 4_000));
        await Transactions.ReconcileAsync(Clerk, id);
        await app.Service<OperationJournal>().TakeReportAsync(new ProviderReport(id, "TestPay report", "PAY-WH-EVENTS", DateTimeOffset.UtcNow, (transaction, step, at) =>
        {
            transaction.Release("PAY-WH-EVENTS", expired: true);
            step.Succeed(at, new Message("Expired"));
            return new Message("Expired");
        }));
        await Transactions.RefundAsync(Clerk, id, new RefundRequest(await FirstInvoiceAsync(id), Amount: 1_500, VatPercent: 19));
        var cancelled = await TestPayOrders.AuthorizeAsync(app, "WH-CANCELLED", 2_000);
        await Transactions.CancelAsync(Clerk, cancelled);

        Assert.Equal(
            [(WebhookEventTypes.Authorized, 10_000L), (WebhookEventTypes.OutcomeUnknown, 4_000), (WebhookEventTypes.Captured, 4_000), (WebhookEventTypes.Expired, 6_000), (WebhookEventTypes.Refunded, 1_500)],
            (await EventsAsync(id)).Select(e => (e.Type, e.Body.GetProperty("amount").GetInt64())));
        Assert.Equal([(WebhookEventTypes.Authorized, 2_000L), (WebhookEventTypes.Cancelled, 2_000)], (await EventsAsync(cancelled)).Select(e => (e.Type, e.Body.GetProperty("amount").GetInt64())));
        var unknown = (await EventsAsync(id))[1].Body;
        Assert.Equal(("Capture", "demo", "WH-EVENTS", "PAY-WH-EVENTS"),
            (unknown.GetProperty("operation").GetString(), unknown.GetProperty("channel").GetString(), unknown.GetProperty("order_number").GetString(), unknown.GetProperty("provider_reference").GetString()));
        var refunded = (await EventsAsync(id))[^1].Body.GetProperty("amounts");
        Assert.Equal((10_000L, 4_000L, 1_500L, 0L), (refunded.GetProperty("authorized").GetInt64(), refunded.GetProperty("captured").GetInt64(), refunded.GetProperty("refunded").GetInt64(), refunded.GetProperty("remaining").GetInt64()));
        await receiver.WaitForAsync(all => all.Count(r => r.Answered == 200) == 7);
    }

    [Fact]
    public async Task A_change_whose_save_fails_leaves_no_event_and_a_channel_without_endpoints_gets_none()
    {
        var quiet = await TestPayOrders.AuthorizeAsync(app, "WH-QUIET", 5_000);
        await Transactions.CaptureAsync(Clerk, quiet, new CaptureRequest(Amount: 1_000));
        Assert.Empty(await EventsAsync(quiet));

        await Endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), [WebhookEventTypes.Captured]);
        var id = await TestPayOrders.AuthorizeAsync(app, "WH-ROLLBACK", 5_000);
        await using (var stale = await Databases.CreateDbContextAsync())
        {
            var transaction = await stale.Transactions.SingleAsync(t => t.Id == id);
            await Transactions.CaptureAsync(Clerk, id, new CaptureRequest(Amount: 500));
            transaction.Capture(transaction.Reference, 1_000, []);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
        }
        Assert.Equal([(WebhookEventTypes.Captured, 500L)], (await EventsAsync(id)).Select(e => (e.Type, e.Body.GetProperty("amount").GetInt64())));

        await using (var fresh = await Databases.CreateDbContextAsync())
        {
            (await fresh.Transactions.SingleAsync(t => t.Id == id)).Capture("PAY-WH-ROLLBACK", 1_000, []);
            await fresh.SaveChangesAsync();
        }
        Assert.Equal([(WebhookEventTypes.Captured, 500L), (WebhookEventTypes.Captured, 1_000)], (await EventsAsync(id)).Select(e => (e.Type, e.Body.GetProperty("amount").GetInt64())));
    }

    [Fact]
    public async Task An_endpoint_is_registered_by_an_administrator_only_with_a_valid_address_and_events_and_its_secret_is_kept_encrypted()
    {
        await Assert.ThrowsAsync<AccessRefusedException>(() => Endpoints.CreateAsync(Clerk, "demo", receiver.Address("demo"), [WebhookEventTypes.Captured]));
        foreach (var (channel, url, events) in new[]
        {
            ("demo", "not an address", new[] { WebhookEventTypes.Captured }), ("demo", "ftp://shop.example/hooks", [WebhookEventTypes.Captured]),
            ("demo", "https://user:pw@shop.example/hooks", [WebhookEventTypes.Captured]), ("demo", "https://shop.example/hooks", []),
            ("demo", "https://shop.example/hooks", ["payment.teleported"]), ("nowhere", "https://shop.example/hooks", [WebhookEventTypes.Captured]),
        })
        {
            await Assert.ThrowsAsync<BusinessRuleException>(() => Endpoints.CreateAsync(Administrator, channel, url, events));
        }
        await using (var db = await Databases.CreateDbContextAsync())
            Assert.Empty(await db.WebhookEndpoints.ToListAsync());

        var (endpointId, secret) = await Endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), [WebhookEventTypes.Captured]);

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await using (var db = await Databases.CreateDbContextAsync())
        {
            var kept = await db.WebhookEndpoints.SingleAsync(e => e.Id == endpointId);
            Assert.DoesNotContain(secret[6..], kept.ProtectedSecret, StringComparison.Ordinal);
            Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "Webhook endpoint registered");
        }
        Assert.Equal([WebhookEventTypes.Captured], (await Endpoints.ListAsync("demo")).Single().Events);
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_for_a_while_then_the_new_one_alone_and_a_delivered_event_can_be_sent_again()
    {
        var (endpointId, oldSecret) = await Endpoints.CreateAsync(Administrator, "demo", receiver.Address("demo"), [WebhookEventTypes.Captured]);
        var newSecret = await Endpoints.RotateAsync(Administrator, endpointId);
        var first = await TestPayOrders.AuthorizeAsync(app, "WH-ROTATE-1", 5_000);
        await Transactions.CaptureAsync(Clerk, first, new CaptureRequest(Amount: 1_000));
        await receiver.WaitForAsync(all => all.Count == 1);
        Assert.True((await Endpoints.FindAsync(endpointId))!.PreviousSecretValid);

        // The previous secret's while (two seconds here) ends on the clock: wait for that state.
        for (var until = DateTime.UtcNow.AddSeconds(30); (await Endpoints.FindAsync(endpointId))!.PreviousSecretValid && DateTime.UtcNow < until;)
            await Task.Delay(50);
        var second = await TestPayOrders.AuthorizeAsync(app, "WH-ROTATE-2", 5_000);
        await Transactions.CaptureAsync(Clerk, second, new CaptureRequest(Amount: 1_000));
        await receiver.WaitForAsync(all => all.Count == 2);

        var (during, after) = (receiver.All[0], receiver.All[1]);
        Assert.True(WebhookReceiver.Verifies(during.Signature, oldSecret, during.Body) && WebhookReceiver.Verifies(during.Signature, newSecret, during.Body));
        Assert.True(WebhookReceiver.Verifies(after.Signature, newSecret, after.Body));
        Assert.False(WebhookReceiver.Verifies(after.Signature, oldSecret, after.Body));

        var delivered = (await Endpoints.DeliveriesAsync(endpointId)).Single(d => d.EventId == during.EventId);
        await Endpoints.ResendAsync(Administrator, delivered.Id);
        await receiver.WaitForAsync(all => all.Count == 3);
        Assert.Equal(during.EventId, receiver.All[2].EventId);
        Assert.Equal(2, (await Endpoints.AttemptsAsync(delivered.Id)).Count);
        await Assert.ThrowsAsync<AccessRefusedException>(() => Endpoints.ResendAsync(Clerk, delivered.Id));
    }

    private async Task<string> FirstInvoiceAsync(Guid id)
    {
        await using var db = await Databases.CreateDbContextAsync();
        return await db.Invoices.Where(i => i.TransactionId == id).OrderBy(i => i.CapturedAt).Select(i => i.InvoiceNumber).FirstAsync();
    }

    private async Task<List<(string Type, JsonElement Body)>> EventsAsync(Guid id)
    {
        await using var db = await Databases.CreateDbContextAsync();
        return [.. (await db.WebhookEvents.Where(e => e.TransactionId == id).OrderBy(e => e.Sequence).ToListAsync()).Select(e => (e.Type, JsonDocument.Parse(e.Body).RootElement))];
    }
}
