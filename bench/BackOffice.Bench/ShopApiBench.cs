using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace BackOffice.Bench;

public sealed record ReservationRun(int Requests, int Concurrency, int Errors, double Seconds)
{
    public double PerSecond => Requests / Seconds;
}

/// <summary>Reservations through the shop API over HTTP, a given number at a time, against the in-process sandbox.</summary>
public static class ShopApiBench
{
    public static async Task<ReservationRun> ReserveAsync(BenchApp app, string prefix, int requests, int concurrency, string email)
    {
        using var client = app.ShopClient();
        var errors = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
            {
                using var response = await client.PostAsJsonAsync("api/v1/channels/demo/reservations", Order($"{prefix}-{i}", email));
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                        Console.WriteLine($"  {prefix}-{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
        return new ReservationRun(requests, concurrency, errors, clock.Elapsed.TotalSeconds);
    }

    private static Dictionary<string, object?> Order(string orderNumber, string email) => new()
    {
        ["orderNumber"] = orderNumber, ["service"] = "Invoice", ["amount"] = 2550, ["currency"] = "EUR",
        ["customer"] = new { personalNumber = "07071960", email },
        ["billingAddress"] = new { firstName = "Jürgen", lastName = "Müller", street = "Hellersbergstraße", houseNumber = "14", postalCode = "41460", city = "Neuss", country = "DE" },
        ["lines"] = new object[]
        {
            new { articleNumber = "A1", title = "Shirt", quantity = 2, unitPrice = 1000, vatPercent = 19 },
            new { articleNumber = "SHIP", title = "Shipping", quantity = 1, unitPrice = 550, vatPercent = 19, isShipment = true },
        },
    };
}
