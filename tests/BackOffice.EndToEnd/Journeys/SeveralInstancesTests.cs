using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.Klarna.Sandbox;
using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using BackOffice.Web.Features.Jobs;
using TransactionState = BackOffice.Web.Features.Transactions.TransactionState;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using BackOffice.Web.Features.Klarna;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// Two app processes, started together on one PostgreSQL database with jobs in it, in front of one Klarna sandbox —
/// as behind a load balancer: recurring jobs run once per tick, delayed cancellations once, a capture once.
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public const string DemoApiKey = "bo_demo-shop-key-for-development-only";
    public const int PollSeconds = 3;

    public TestDatabase Database { get; } = TestDatabase.CreatePostgreSql();

    public StandaloneSandbox Klarna { get; private set; } = null!;

    public AppProcess First { get; private set; } = null!;

    public AppProcess Second { get; private set; } = null!;

    public IEnumerable<AppProcess> Both => [First, Second];

    public async Task InitializeAsync()
    {
        // The poll every few seconds, as an administrator would have set it on the Jobs page before.
        await using (var db = Database.Open())
        {
            var poll = new JobSettings(JobSettings.CheckOrderStatus);
            poll.Change(true, $"*/{PollSeconds} * * * * *", 8, 10, "test", DateTimeOffset.UtcNow);
            db.JobSettings.Add(poll);
            await db.SaveChangesAsync();
        }
        Klarna = await StandaloneSandbox.StartAsync();
        KeyValuePair<string, string?>[] settings =
        [
            .. Database.Settings, .. Klarna.AppSettings,
            new("Jobs:SchedulePollingInterval", "00:00:01"),
            new("Klarna:CancelDelaySeconds", "2"),
            new("Seed:DemoTransactions", "0"),
            new("Seed:DemoComputopChannel:Transactions", "0"),
            new("Seed:DemoKlarnaRestChannel:Transactions", "0"),
            new("Seed:DemoECommPayChannel:Transactions", "0"),
            new("Email:PickupDirectory", Path.Combine(Path.GetTempPath(), $"backoffice-mail-{Guid.NewGuid():N}")),
        ];
        First = AppProcess.Start(settings);
        Second = AppProcess.Start(settings);
        await Task.WhenAll(First.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)), Second.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)));
    }

    /// <summary>Reserves through the shop API of the given instance; answers the transaction's id and reservation number.</summary>
    public static async Task<(Guid Id, string Rno)> ReserveAsync(AppProcess instance, string orderNumber, string email)
    {
        using var client = new HttpClient { BaseAddress = instance.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", DemoApiKey);
        var response = await client.PostAsJsonAsync("api/v1/channels/demo/reservations", new Dictionary<string, object?>
        {
            ["orderNumber"] = orderNumber, ["service"] = "Invoice", ["amount"] = 2550, ["currency"] = "EUR",
            ["customer"] = new { personalNumber = "07071960", email },
            ["billingAddress"] = new { firstName = "Max", lastName = "Müller", street = "Hellersbergstraße", houseNumber = "14", postalCode = "41460", city = "Neuss", country = "DE" },
            ["lines"] = new object[]
            {
                new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 1000, vatPercent = 19 },
                new { articleNumber = "SHIP", title = "Shipping", quantity = 1, unitPrice = 550, vatPercent = 19, isShipment = true },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("reservationNumber").GetString()!);
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await Klarna.DisposeAsync();
        await Database.DisposeAsync();
    }
}

[Collection(BrowserCollection.Name)]
public sealed class SeveralInstancesTests(BrowserAppFixture browser, TwoInstances instances) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task A_recurring_poll_runs_once_per_tick_across_both_instances()
    {
        // Both job servers take part: each announced itself in the shared storage and keeps beating.
        await Eventually(async () => await LiveJobServersAsync() == 2);
        var from = DateTimeOffset.UtcNow;
        List<JobRun> runs = [];
        await Eventually(async () => (runs = await ScheduledRunsSinceAsync(from)).Count >= 5);

        // One run per tick from the first to the last: twice as many if both instances fired each tick.
        var ticks = (int)Math.Round((runs[^1].StartedAt - runs[0].StartedAt).TotalSeconds / TwoInstances.PollSeconds) + 1;
        Assert.True(runs.Count == ticks, $"{runs.Count} runs in {ticks} ticks: {string.Join(", ", runs.Select(r => r.StartedAt.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Equal(2, await LiveJobServersAsync());
        Assert.All(instances.Both, app => Assert.Equal(0, app.Count("another run holds the lease")));
    }

    private async Task<int> LiveJobServersAsync()
    {
        await using var db = instances.Database.Open();
        return await db.Database.SqlQueryRaw<int>("""SELECT count(*)::int AS "Value" FROM hangfire.server WHERE lastheartbeat > (now() at time zone 'utc') - interval '1 minute'""").SingleAsync();
    }

    private async Task<List<JobRun>> ScheduledRunsSinceAsync(DateTimeOffset from)
    {
        await using var db = instances.Database.Open();
        return [.. (await db.JobRuns.AsNoTracking().Where(r => r.JobId == JobSettings.CheckOrderStatus && r.Trigger == "Schedule").ToListAsync())
            .Where(r => r.StartedAt >= from).OrderBy(r => r.StartedAt)];
    }

    [Fact]
    public async Task A_delayed_cancellation_reaches_klarna_once()
    {
        await using (var db = instances.Database.Open())
            await db.PaymentServices.ExecuteUpdateAsync(s => s.SetProperty(x => x.DeclinePendingOrders, true));

        var (id, rno) = await TwoInstances.ReserveAsync(instances.First, "MULTI-CANCEL-1", KlarnaSandbox.PendingAcceptedEmail);

        await Eventually(async () =>
        {
            await using var db = instances.Database.Open();
            return await db.PendingCancellations.AnyAsync(c => c.TransactionId == id && c.CompletedAt != null);
        });
        var executions = await instances.Klarna.Control.ExecutionsAsync();
        Assert.Single(executions, e => e.Method == "cancel_reservation" && e.Target == rno);
        Assert.Equal(1, instances.Both.Sum(app => app.Count("Declined pending order MULTI-CANCEL-1")));
        await using var after = instances.Database.Open();
        Assert.Equal(TransactionState.Cancelled, (await after.Transactions.SingleAsync(t => t.Id == id)).State);
    }

    [Fact]
    public async Task Two_captures_sent_to_the_two_instances_reach_klarna_once_and_sign_in_holds_on_both()
    {
        var (id, rno) = await TwoInstances.ReserveAsync(instances.Second, "MULTI-CAPTURE-1", "max@example.com");
        var context = await browser.NewContextAsync(instances.First.BaseAddress);
        var onFirst = await context.NewPageAsync();
        await new LoginPage(onFirst).SignInAsAdministratorAsync();
        // The cookie the first instance issued is good on the second: one key ring, in the database.
        var onSecond = await context.NewPageAsync();
        foreach (var (page, instance) in new[] { (onFirst, instances.First), (onSecond, instances.Second) })
        {
            await page.GotoAsync(new Uri(instance.BaseAddress, $"transactions/{id}").ToString());
            await new ShellPage(page).WaitUntilInteractiveAsync();
            await new TransactionPage(page).Action("Capture").ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
            await Expect(ConfirmButton(page)).ToBeVisibleAsync();
        }
        // Both dialogs have settled: the two clicks go out together.
        await Task.Delay(500);
        await instances.Klarna.Control.SetLatencyAsync(1_500);

        await Task.WhenAll(
            ConfirmAsync(onFirst),
            ConfirmAsync(onSecond));

        await Eventually(async () =>
        {
            await using var db = instances.Database.Open();
            return (await db.Transactions.SingleAsync(t => t.Id == id)).State == TransactionState.Captured;
        });
        await instances.Klarna.Control.SetLatencyAsync(0);
        // Both confirmations arrived: one instance captured, the other found the capture under way and sent nothing.
        var outcomes = new List<string>();
        foreach (var page in new[] { onFirst, onSecond })
        {
            await Expect(page.GetByTestId("outcome")).ToBeVisibleAsync();
            outcomes.Add(await page.GetByTestId("outcome").InnerTextAsync());
        }
        Assert.Single(outcomes, o => o.Contains("Captured EUR\u00a025.50", StringComparison.Ordinal));
        Assert.Single(outcomes, o => o.Contains("started “Capture” at", StringComparison.Ordinal));
        Assert.Single(await instances.Klarna.Control.ExecutionsAsync(), e => e.Method == "activate" && e.Target == rno);
        var reservation = await instances.Klarna.Control.ReservationAsync(rno);
        await using var after = instances.Database.Open();
        var transaction = await after.Transactions.SingleAsync(t => t.Id == id);
        Assert.Equal((2550L, 0L), (transaction.CapturedAmount, transaction.RemainingAmount));
        Assert.Equal((2550L, 0L), (reservation!.Activated, reservation.Amount));
        await context.CloseAsync();
    }

    private static ILocator ConfirmButton(IPage page) => page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Confirm capture" });

    /// <summary>Forced: a page in the background never looks "stable" to Playwright (no animation frames there).</summary>
    private static async Task ConfirmAsync(IPage page) => await ConfirmButton(page).ClickAsync(new() { Force = true, Timeout = 3_000 });

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(60); waited += TimeSpan.FromMilliseconds(500))
        {
            if (await condition())
                return;
            await Task.Delay(500);
        }
        Assert.Fail("The condition did not come true within a minute.");
    }
}
