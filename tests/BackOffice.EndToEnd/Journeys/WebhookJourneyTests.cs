using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

/// <summary>
/// An administrator registers the shop's endpoint on the channel page (its secret shown once), an operator captures,
/// the shop's endpoint hears it, and the delivery log shows the attempt and sends the event again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebhookJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_administrator_registers_the_shops_endpoint_which_hears_a_capture_and_the_delivery_log_sends_it_again()
    {
        await using var shop = ShopEndpoint.Start();
        var page = await app.NewPageAsync();
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        await page.GotoAsync("channels/demo");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        var card = page.GetByTestId("webhooks");
        await card.GetByLabel("Address of a new endpoint").FillAsync(shop.Address);
        await card.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Expect(card.GetByTestId("new-secret")).ToContainTextAsync("whsec_");
        await page.ReloadAsync();
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(card.GetByTestId("new-secret")).ToHaveCountAsync(0);
        var endpoint = card.GetByTestId("webhook-endpoint").Filter(new() { HasText = shop.Address });
        await Expect(endpoint).ToContainTextAsync("payment.captured");

        var id = await app.ReserveAsync("E2E-WH-1");
        await page.GotoAsync($"transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await new TransactionPage(page).CaptureEverythingAsync();
        var captured = await shop.WaitForAsync(b => b.GetProperty("type").GetString() == "payment.captured" && b.GetProperty("order_number").GetString() == "E2E-WH-1");

        await page.GotoAsync("channels/demo");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await endpoint.GetByRole(AriaRole.Link).ClickAsync();
        var delivery = page.GetByTestId("webhook-delivery").Filter(new() { HasText = "E2E-WH-1" });
        await Expect(delivery).ToContainTextAsync("Delivered");
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await Expect(page.GetByTestId("webhook-attempt").First).ToContainTextAsync("200");
        Assert.Empty(await Axe.ViolationsAsync(page, "a webhook endpoint's delivery log"));
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await shop.WaitForAsync(b => b.GetProperty("id").GetString() == captured.GetProperty("id").GetString(), times: 2);

        var phone = await app.NewPageAsync(width: 390, height: 844);
        await new LoginPage(phone).GotoAsync();
        await new LoginPage(phone).SignInAsAdministratorAsync();
        await phone.GotoAsync(page.Url);
        await new ShellPage(phone).WaitUntilInteractiveAsync();
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "The delivery log scrolls sideways at 390 px.");

        await page.GotoAsync("channels/demo");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await endpoint.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(endpoint).ToHaveCountAsync(0);
    }

    /// <summary>The shop's side: an HTTP listener on a loopback port that keeps every event body and answers 200.</summary>
    private sealed class ShopEndpoint : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly ConcurrentQueue<JsonElement> bodies = new();
        private readonly Task serving;

        private ShopEndpoint(int port)
        {
            Address = $"http://127.0.0.1:{port}/hooks/";
            listener.Prefixes.Add(Address);
            listener.Start();
            serving = Task.Run(ServeAsync);
        }

        public string Address { get; }

        public static ShopEndpoint Start()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new ShopEndpoint(port);
        }

        public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> wanted, int times = 1)
        {
            for (var until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until; await Task.Delay(100))
            {
                var found = bodies.Where(wanted).ToList();
                if (found.Count >= times)
                    return found[0];
            }
            throw new TimeoutException($"The shop's endpoint got {bodies.Count} events, not the one wanted.");
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using (var reader = new StreamReader(context.Request.InputStream))
                    bodies.Enqueue(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await serving;
        }
    }
}
