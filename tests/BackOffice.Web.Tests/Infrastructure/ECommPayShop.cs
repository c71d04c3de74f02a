using System.Net.Http.Json;
using System.Text.Json;
using BackOffice.ECommPay.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ECommPay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Klarna (Sofort) via ECommPay in a test app: the demo channel's service on the mounted sandbox's project, and
/// payments a shop starts and a customer pays there.
/// </summary>
internal static class ECommPayShop
{
    public const long ProjectId = 2390;
    public const string SecretKey = "demo-ecommpay-secret-key-for-development-only";

    public static ECommPaySandbox ECommPaySandbox(this BackOfficeAppFactory app) => app.Service<ECommPaySandbox>();

    /// <summary>
    /// A Sofort payment as a shop starts it through the shop API and the customer pays it on the sandbox's payment page
    /// (2 × 15.00 + 4.90 EUR unless <paramref name="lines"/> say otherwise); answers the transaction ECommPay's callback opened.
    /// </summary>
    public static async Task<Guid> PaySofortAsync(this BackOfficeAppFactory app, string orderNumber, string apiKey, object[]? lines = null)
    {
        using var shop = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/api/v1/channels/demo/") };
        shop.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        using var started = await shop.PostAsJsonAsync("ecommpay/payments", new
        {
            orderNumber, currency = "EUR", country = "DE", language = "de",
            lines = lines ?? [new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 1500, vatPercent = 19 }, new { articleNumber = "SHIP", title = "Shipping", quantity = 1, unitPrice = 490, vatPercent = 19 }],
            customer = new { firstName = "Erika", lastName = "Musterfrau", email = "erika@example.com" },
        });
        var page = (await started.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentPageUrl").GetString()!;
        var fields = new Uri(page).Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        using var paid = await new HttpClient().PostAsync(new Uri(page).GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(fields.Append(new("outcome", "pay"))));
        paid.EnsureSuccessStatusCode();
        for (var i = 0; i < 200; i++)
        {
            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            {
                if (await db.Transactions.Where(t => t.OrderNumber == orderNumber).Select(t => (Guid?)t.Id).SingleOrDefaultAsync() is { } id)
                    return id;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"ECommPay's callback for {orderNumber} opened no transaction.");
    }

    /// <summary>Starts the app on a loopback port (the sandbox is reached over HTTP) with the demo channel's service set up.</summary>
    public static async Task StartWithECommPayAsync(this BackOfficeAppFactory app)
    {
        app.StartOnLoopback();
        await app.Service<ECommPayServices>().SaveAsync(app.Staff(Roles.Administrator), "demo", new ECommPayServiceSettings(true, ProjectId, UseLive: false, null, null), SecretKey, Guid.Empty);
    }
}
