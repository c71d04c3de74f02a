using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BackOffice.Sandbox.Kit;

namespace BackOffice.Klarna.Sandbox;

/// <summary>Drives the control API; <paramref name="http"/>'s base address is the sandbox's (ending in '/').</summary>
public sealed class SandboxControlClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task SetLatencyAsync(int milliseconds) =>
        (await http.PutAsJsonAsync("_sandbox/latency", new { milliseconds }, Json)).EnsureSuccessStatusCode();

    public async Task InjectAsync(SandboxInjection injection) =>
        (await http.PostAsJsonAsync("_sandbox/failures", injection, Json)).EnsureSuccessStatusCode();

    public async Task ClearFailuresAsync() => (await http.DeleteAsync("_sandbox/failures")).EnsureSuccessStatusCode();

    public async Task ResolveAsync(string rno, OrderStatus outcome) =>
        (await http.PostAsJsonAsync($"_sandbox/reservations/{rno}/resolve", new { status = outcome }, Json)).EnsureSuccessStatusCode();

    public async Task<SandboxReservationView?> ReservationAsync(string rno)
    {
        using var response = await http.GetAsync($"_sandbox/reservations/{rno}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SandboxReservationView>(Json);
    }

    /// <summary>Every reservation of an order: the original and those split off it.</summary>
    public async Task<IReadOnlyList<SandboxReservationView>> OrderAsync(string orderId) =>
        await http.GetFromJsonAsync<List<SandboxReservationView>>($"_sandbox/orders/{Uri.EscapeDataString(orderId)}", Json) ?? [];

    /// <summary>Every call that changed something, in order.</summary>
    public async Task<IReadOnlyList<SandboxExecution>> ExecutionsAsync() =>
        await http.GetFromJsonAsync<List<SandboxExecution>>("_sandbox/executions", Json) ?? [];

    public async Task<IReadOnlyDictionary<string, int>> CallsAsync() =>
        await http.GetFromJsonAsync<Dictionary<string, int>>("_sandbox/calls", Json) ?? [];

    public async Task<int> CallsAsync(string method) => (await CallsAsync()).GetValueOrDefault(method);

    public async Task ResetAsync() => (await http.PostAsync("_sandbox/reset", null)).EnsureSuccessStatusCode();
}
