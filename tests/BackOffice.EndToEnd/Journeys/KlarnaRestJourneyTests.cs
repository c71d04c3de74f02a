using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// Klarna Payments (direct) end to end: a shop places the order through the shop API, an operator captures part of it
/// with a tracking number, refunds (Klarna's answer lost on the way and settled by the order check), releases the rest,
/// and the payout carries the capture and the refund — Klarna's order agrees with the books at every step.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KlarnaRestJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_order_placed_by_the_shop_is_part_captured_with_tracking_refunded_released_and_paid_out_and_klarna_agrees_at_every_step()
    {
        var (id, klarnaOrderId) = await app.PlaceAtKlarnaAsync("E2E-KR-1");
        await app.CreateUserAsync("operator-kr@backoffice.local", "Operator-Kr-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-kr@backoffice.local", "Operator-Kr-1!");
        var transaction = new TransactionPage(page);
        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("provider-reference")).ToHaveTextAsync(klarnaOrderId);
        await AgreeAsync(page, klarnaOrderId, "AUTHORIZED");

        await transaction.CaptureLinesAsync("A1", 1, "EUR 10.00", shipment: ("DHL DE", "00340434161234567890"));
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Part captured");
        var capture = (await AgreeAsync(page, klarnaOrderId, "PART_CAPTURED")).GetProperty("captures")[0];
        Assert.Equal("00340434161234567890", capture.GetProperty("shipping_info")[0].GetProperty("tracking_number").GetString());

        using (var drop = await app.KlarnaRestSandbox.PostAsJsonAsync("_sandbox/failures", new { method = "refund", failure = "ServerError", afterExecution = true }))
            drop.EnsureSuccessStatusCode();
        await transaction.RefundAmountAsync("4.00", "EUR 4.00", outcome: "it is not known whether this happened");
        await SettleByTheOrderCheckAsync(await app.NewPageAsync());
        await page.ReloadAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(transaction.Amount("refunded")).ToHaveTextAsync("EUR 4.00");
        await AgreeAsync(page, klarnaOrderId, "PART_CAPTURED");

        await transaction.Action("Release remaining").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Part refunded");
        await Expect(transaction.Amount("remaining")).ToHaveTextAsync("EUR 0.00");
        var released = await AgreeAsync(page, klarnaOrderId, "CAPTURED");
        Assert.Equal(0, released.GetProperty("remaining_authorized_amount").GetInt64());
        var calls = await app.KlarnaRestSandbox.GetFromJsonAsync<JsonElement>("_sandbox/calls");
        Assert.Equal(1, calls.GetProperty("refund").GetInt32());

        using var closed = await app.KlarnaRestSandbox.PostAsync("_sandbox/payouts/close", null);
        var reference = (await closed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("payment_reference").GetString()!;
        var payouts = new KlarnaPayoutsPage(page);
        await payouts.GotoAsync();
        await payouts.ImportAsync();
        var lines = await payouts.OpenLinesAsync(reference);
        await Expect(lines.Filter(new() { HasText = klarnaOrderId })).ToHaveCountAsync(3);
        await Expect(payouts.Line("FEE", klarnaOrderId)).ToContainTextAsync("Klarna's own");
        await Expect(payouts.Line("SALE", klarnaOrderId)).ToContainTextAsync("Matched");
        await Expect(payouts.Line("RETURN", klarnaOrderId)).ToContainTextAsync("Matched");
    }

    [Fact]
    public async Task An_administrator_initializes_the_channels_klarna_service_and_sees_its_notification_address()
    {
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();

        await page.GotoAsync("channels/demo-kp");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        var card = page.GetByTestId("service-KlarnaRest");
        await Expect(card.GetByLabel("API username")).ToHaveValueAsync("PK_demo_shop");
        await Expect(card).ToContainTextAsync("/notify/klarna/demo-kp");
        await card.GetByRole(AriaRole.Button, new() { Name = "Initialize Klarna Payments (direct)" }).ClickAsync();

        await Expect(card.GetByTestId("initialization")).ToContainTextAsync("Klarna took the credentials of PK_demo_shop");
    }

    /// <summary>The books on the page against Klarna's order: its status, and the captured, refunded and remaining amounts.</summary>
    private async Task<JsonElement> AgreeAsync(IPage page, string klarnaOrderId, string status)
    {
        var order = await app.KlarnaOrderAsync(klarnaOrderId);
        Assert.Equal(status, order.GetProperty("status").GetString());
        var transaction = new TransactionPage(page);
        await Expect(transaction.Amount("captured")).ToHaveTextAsync(Eur(order.GetProperty("captured_amount").GetInt64()));
        await Expect(transaction.Amount("refunded")).ToHaveTextAsync(Eur(order.GetProperty("refunded_amount").GetInt64()));
        await Expect(transaction.Amount("remaining")).ToHaveTextAsync(Eur(order.GetProperty("remaining_authorized_amount").GetInt64()));
        return order;
    }

    /// <summary>An administrator runs the order check from the Jobs page; its run settles the action whose answer was lost.</summary>
    private static async Task SettleByTheOrderCheckAsync(IPage admin)
    {
        await new LoginPage(admin).SignInAsAdministratorAsync();
        var jobs = new JobsPage(admin, "KlarnaRestCheckOrders");
        await jobs.GotoAsync();
        await jobs.RunNowAsync();
        await jobs.ExpectRunAsync(checkedCount: 1, changed: 1);
        var changes = await jobs.OpenRunChangesAsync();
        await Expect(changes).ToContainTextAsync("E2E-KR-1");
    }

    private static string Eur(long minor) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"EUR {minor / 100m:0.00}");
}
