using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// Klarna (Sofort) through ECommPay end to end: the shop starts the payment, the customer pays on the sandbox's page,
/// the signed callback makes it paid, an operator refunds part of it, the callback makes it part refunded, and a forged
/// callback changes nothing — the sandbox and the books agree throughout.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ECommPayJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task A_customer_pays_by_sofort_an_operator_refunds_part_and_a_forged_callback_changes_nothing()
    {
        var paymentPage = await app.StartSofortAsync("E2E-KS-1");
        var customer = await app.NewPageAsync();
        await customer.GotoAsync(paymentPage);
        await Expect(customer.GetByText("34.90 EUR")).ToBeVisibleAsync();
        await customer.GetByRole(AriaRole.Button, new() { Name = "Pay with Klarna (Sofort)" }).ClickAsync();
        await Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "Payment successful" })).ToBeVisibleAsync();
        var id = await app.ArrivedAsync("E2E-KS-1");

        await app.CreateUserAsync("operator-ks@backoffice.local", "Operator-Ks-1!", "Operator");
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SubmitAsync("operator-ks@backoffice.local", "Operator-Ks-1!");
        var transaction = new TransactionPage(page);
        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        var paymentId = (await page.GetByTestId("provider-reference").TextContentAsync())!.Trim();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Captured");
        await Expect(transaction.Amount("captured")).ToHaveTextAsync("EUR 34.90");
        await Expect(transaction.Action("Capture")).ToHaveCountAsync(0);
        await Expect(transaction.Action("Cancel")).ToHaveCountAsync(0);
        await Expect(transaction.Action("Change order number")).ToHaveCountAsync(0);

        await transaction.RefundAmountAsync("10.00", "EUR 10.00", outcome: "ECommPay took the refund");
        await page.ReloadAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Part refunded");
        await Expect(transaction.Amount("refunded")).ToHaveTextAsync("EUR 10.00");
        var payment = await app.ECommPaySandbox.GetFromJsonAsync<JsonElement>($"_sandbox/payments/{paymentId}");
        Assert.Equal(("partially refunded", 3490, 1000), (payment.GetProperty("status").GetString(), payment.GetProperty("amount").GetInt64(), payment.GetProperty("refunded").GetInt64()));

        var callbacks = await app.ECommPaySandbox.GetFromJsonAsync<JsonElement>("_sandbox/callbacks");
        var last = callbacks.EnumerateArray().Last(c => c.GetProperty("paymentId").GetString() == paymentId).GetProperty("id").GetInt32();
        using var forged = await app.ECommPaySandbox.PostAsync($"_sandbox/callbacks/{last}/resend?forged=true", null);
        Assert.Equal(400, (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        await page.ReloadAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(transaction.Amount("refunded")).ToHaveTextAsync("EUR 10.00");
    }

    [Fact]
    public async Task An_administrator_initializes_the_channels_ecommpay_service()
    {
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();

        await page.GotoAsync("channels/demo-ecommpay");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        var card = page.GetByTestId("service-ECommPay");
        await Expect(card.GetByLabel("Project ID")).ToHaveValueAsync("2390");
        await Expect(card).ToContainTextAsync("/notify/ecommpay/demo-ecommpay");
        await card.GetByRole(AriaRole.Button, new() { Name = "Initialize Klarna (Sofort) via ECommPay" }).ClickAsync();

        await Expect(card.GetByTestId("initialization")).ToContainTextAsync("ECommPay took the signature of project 2390");
    }
}
