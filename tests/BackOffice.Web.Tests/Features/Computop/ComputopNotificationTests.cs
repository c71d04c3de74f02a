using System.Globalization;
using System.Net;
using BackOffice.Computop;
using BackOffice.Sandbox.Kit;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>
/// <c>POST /notify/computop/{channel}</c> as Paygate calls it: a proven notification of an authorization makes one
/// transaction however often it arrives; anything not Paygate's, or not adding up, is refused, audited and changes nothing.
/// </summary>
/// <remarks>
/// The tests share one app (<see cref="App"/>); each begins with no transaction, notification or audit entry, and the
/// sandbox emptied.
/// </remarks>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ComputopNotificationTests(ComputopNotificationTests.App shared) : IClassFixture<ComputopNotificationTests.App>, IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = shared.Factory;
    private readonly HttpClient client = shared.Client;

    public sealed class App : IAsyncLifetime
    {
        public BackOfficeAppFactory Factory { get; } = new();

        public HttpClient Client { get; private set; } = null!;

        public Task InitializeAsync()
        {
            Client = Factory.StartOnLoopback().CreateLoopbackClient();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Factory.DisposeAsync();
        }
    }

    /// <summary>What the test before stored and left in the sandbox is gone.</summary>
    public Task InitializeAsync() => app.StartAfreshAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_notification_delivered_twice_makes_one_transaction_and_both_deliveries_are_answered_ok()
    {
        var fields = Authorized("KP-N1");

        var first = await NotifyAsync(ComputopOrders.Channel, fields);
        var second = await NotifyAsync(ComputopOrders.Channel, fields);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal("OK", await first.Content.ReadAsStringAsync());
        await using var db = await Database();
        var transaction = await db.Transactions.SingleAsync(t => t.OrderNumber == "KP-N1");
        Assert.Equal((fields["PayID"], TransactionState.Authorized), (transaction.Reference, transaction.State));
        Assert.Equal(1, await db.ComputopNotifications.CountAsync(n => n.PayId == fields["PayID"]));
        Assert.Single(await db.AuditEntries.Where(e => e.Action == "Notification" && e.Succeeded).ToListAsync());
    }

    [Theory]
    [InlineData("hmac", "The notification's MAC is wrong or missing.")]
    [InlineData("blowfish", "A notification was refused")]
    public async Task A_forged_notification_is_refused_audited_and_changes_nothing(string wrong, string audited)
    {
        var fields = Authorized("KP-N2");
        var forger = wrong == "hmac" ? ComputopOrders.Merchant with { HmacKey = "guessed-key" } : ComputopOrders.Merchant with { BlowfishPassword = "guessed-pass" };

        var response = await NotifyAsync(ComputopOrders.Channel, fields, forger);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await Database();
        Assert.False(await db.Transactions.AnyAsync(t => t.OrderNumber == "KP-N2"));
        Assert.Empty(await db.ComputopNotifications.ToListAsync());
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == "Notification").ToListAsync());
        Assert.False(entry.Succeeded);
        Assert.Contains(audited, entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notification_without_its_mac_is_refused()
    {
        var fields = Authorized("KP-N3");
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write(fields), ComputopOrders.Merchant.BlowfishPassword);

        var response = await client.PostAsync("/notify/computop/demo-computop", Form(ComputopOrders.Merchant.MerchantId, len, data));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await Database();
        Assert.False(await db.Transactions.AnyAsync(t => t.OrderNumber == "KP-N3"));
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("no-such-channel")]
    public async Task A_channel_without_a_computop_service_answers_not_found(string channel)
    {
        var response = await NotifyAsync(channel, Authorized("KP-N4"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No Computop service here.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_order_that_does_not_add_up_to_what_paygate_holds_is_refused()
    {
        var fields = Authorized("KP-N5", authorized: 9_999);

        var response = await NotifyAsync(ComputopOrders.Channel, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await Database();
        Assert.False(await db.Transactions.AnyAsync(t => t.OrderNumber == "KP-N5"));
        Assert.Contains("but the order adds up to", Assert.Single(await db.AuditEntries.Where(e => e.Action == "Notification").ToListAsync()).Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_payment_makes_no_transaction_and_is_audited()
    {
        var fields = new Dictionary<string, string>(Authorized("KP-N6")) { ["Status"] = "FAILED", ["Code"] = "21000099", ["Description"] = "declined" };

        var response = await NotifyAsync(ComputopOrders.Channel, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await Database();
        Assert.False(await db.Transactions.AnyAsync(t => t.OrderNumber == "KP-N6"));
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == "Notification").ToListAsync());
        Assert.Equal((false, true), (entry.Succeeded, entry.Details.Contains("21000099", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task When_paygate_cannot_confirm_the_amount_it_is_asked_to_send_the_notification_again()
    {
        var fields = Authorized("KP-N7");
        app.Sandbox().Traffic.Inject(new SandboxInjection("inquire", SandboxFailure.ServerError));

        var unconfirmed = await NotifyAsync(ComputopOrders.Channel, fields);
        var again = await NotifyAsync(ComputopOrders.Channel, fields);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (unconfirmed.StatusCode, again.StatusCode));
        await using var db = await Database();
        Assert.True(await db.Transactions.AnyAsync(t => t.OrderNumber == "KP-N7"));
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_and_is_audited()
    {
        var response = await client.PostAsync("/notify/computop/demo-computop", new FormUrlEncodedContent([new("Data", new string('A', 5_000_000))]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 262144 bytes", await RefusalAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fields")]
    [InlineData("field")]
    [InlineData("json")]
    [InlineData("multipart")]
    public async Task A_body_no_notification_can_be_answers_400_and_is_audited(string what)
    {
        HttpContent content = what switch
        {
            "fields" => new FormUrlEncodedContent(Enumerable.Range(0, 20_000).Select(i => new KeyValuePair<string, string>($"f{i}", "x"))),
            "field" => new FormUrlEncodedContent([new("MerchantID", ComputopOrders.Merchant.MerchantId), new("Data", new string('A', 100_000))]),
            "json" => new StringContent("{\"MerchantID\":\"x\"}", System.Text.Encoding.UTF8, "application/json"),
            _ => new MultipartFormDataContent { { new StringContent("x"), "MerchantID" } },
        };

        var response = await client.PostAsync("/notify/computop/demo-computop", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(what is "fields" or "field" ? "The form is not one a notification can be" : "A notification is a form", await RefusalAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no currency", "{\"country\":\"DE\",\"customer\":{\"first_name\":\"E\",\"last_name\":\"M\",\"email\":\"e@example.com\"},\"address\":{\"street\":\"S\",\"house_number\":\"1\",\"postal_code\":\"1\",\"city\":\"C\"},\"order_lines\":[{\"reference\":\"A1\",\"name\":\"Shirt\",\"quantity\":1,\"unit_price\":2550,\"tax_rate\":1900}]}")]
    [InlineData("line without reference", "{\"country\":\"DE\",\"currency\":\"EUR\",\"customer\":{\"first_name\":\"E\",\"last_name\":\"M\",\"email\":\"e@example.com\"},\"address\":{\"street\":\"S\",\"house_number\":\"1\",\"postal_code\":\"1\",\"city\":\"C\"},\"order_lines\":[{\"name\":\"Shirt\",\"quantity\":1,\"unit_price\":2550,\"tax_rate\":1900}]}")]
    [InlineData("no customer", "{\"country\":\"DE\",\"currency\":\"EUR\",\"address\":{\"street\":\"S\",\"house_number\":\"1\",\"postal_code\":\"1\",\"city\":\"C\"},\"order_lines\":[{\"reference\":\"A1\",\"name\":\"Shirt\",\"quantity\":1,\"unit_price\":2550,\"tax_rate\":1900}]}")]
    [InlineData("overflowing amount", "{\"country\":\"DE\",\"currency\":\"EUR\",\"customer\":{\"first_name\":\"E\",\"last_name\":\"M\",\"email\":\"e@example.com\"},\"address\":{\"street\":\"S\",\"house_number\":\"1\",\"postal_code\":\"1\",\"city\":\"C\"},\"order_lines\":[{\"reference\":\"A1\",\"name\":\"Shirt\",\"quantity\":2147483647,\"unit_price\":9223372036854775807,\"tax_rate\":1900}]}")]
    public async Task A_genuine_notification_whose_order_cannot_be_read_answers_400_and_is_audited(string what, string json)
    {
        var fields = new Dictionary<string, string>(Authorized($"KP-U-{what.Length}")) { ["UserData"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)) };

        var response = await NotifyAsync(ComputopOrders.Channel, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(fields["PayID"], await RefusalAsync(), StringComparison.Ordinal);
        await using var db = await Database();
        Assert.Empty(await db.Transactions.Where(t => t.Reference == fields["PayID"]).ToListAsync());
    }

    [Fact]
    public async Task Fifty_forged_notifications_leave_one_audit_entry_that_counts_them()
    {
        var fields = Authorized("KP-N8");
        var forger = ComputopOrders.Merchant with { HmacKey = "guessed-key" };

        for (var i = 0; i < 50; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await NotifyAsync(ComputopOrders.Channel, fields, forger)).StatusCode);

        await using var db = await Database();
        var entries = await db.AuditEntries.Where(e => e.Action == "Notification").ToListAsync();
        // A minute may turn during the loop: then two entries share the count.
        Assert.InRange(entries.Count, 1, 2);
        Assert.Equal(50, entries.Sum(e => e.Details.StartsWith("A notification from", StringComparison.Ordinal) ? 1 : int.Parse(e.Details.Split(' ')[0], CultureInfo.InvariantCulture)));
        Assert.All(entries, e => Assert.Equal(("from 127.0.0.1", false), (e.Subject, e.Succeeded)));
    }

    private async Task<string> RefusalAsync()
    {
        await using var db = await Database();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == "Notification").ToListAsync());
        Assert.False(entry.Succeeded);
        return entry.Details;
    }

    /// <summary>An authorization at the sandbox, and the fields of Paygate's notification of it with the shop's order in UserData.</summary>
    private Dictionary<string, string> Authorized(string orderNumber, long? authorized = null)
    {
        var order = ComputopOrders.Order();
        var payment = app.Sandbox().Authorize(ComputopOrders.Merchant.MerchantId, orderNumber, authorized ?? order.Amount, order.Currency, orderNumber);
        return new Dictionary<string, string>
        {
            ["mid"] = payment.MerchantId, ["PayID"] = payment.PayId, ["XID"] = payment.PayId, ["TransID"] = orderNumber, ["RefNr"] = orderNumber,
            ["Status"] = "OK", ["Code"] = PaygateCodes.Success, ["Description"] = "success", ["UserData"] = order.Encode(),
        };
    }

    private async Task<HttpResponseMessage> NotifyAsync(string channel, IReadOnlyDictionary<string, string> fields, PaygateCredentials? signer = null)
    {
        signer ??= ComputopOrders.Merchant;
        var mac = PaygateMac.OfResult(signer.HmacKey, fields["PayID"], fields["TransID"], signer.MerchantId, fields["Status"], fields["Code"]);
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write([.. fields, new("MAC", mac)]), signer.BlowfishPassword);
        return await client.PostAsync($"/notify/computop/{channel}", Form(signer.MerchantId, len, data));
    }

    private static FormUrlEncodedContent Form(string merchantId, int len, string data) =>
        new([new("MerchantID", merchantId), new("Len", len.ToString(CultureInfo.InvariantCulture)), new("Data", data)]);

    private Task<BackOfficeDbContext> Database() => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
}
