using System.Text.Json.Serialization;

namespace BackOffice.Klarna.Sandbox;

/// <summary>The control API under /_sandbox, for tests and demos. Served only when Sandbox:ControlApi is true.</summary>
internal static class SandboxControl
{
    public static void MapSandboxControl(this RouteGroupBuilder group)
    {
        var control = group.MapGroup("/_sandbox");
        control.MapGet("/calls", (SandboxTraffic traffic) => TypedResults.Ok(traffic.Calls));
        control.MapPut("/latency", (LatencyRequest request, SandboxTraffic traffic) =>
        {
            if (request.Milliseconds is < 0 or > 60_000)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["milliseconds"] = ["Between 0 and 60000."] });
            traffic.SetLatency(request.Milliseconds);
            return Results.NoContent();
        });
        control.MapPost("/failures", (SandboxInjection injection, SandboxTraffic traffic) =>
        {
            if (string.IsNullOrWhiteSpace(injection.Method) || injection.Count is < 1 or > 10_000
                || (injection.Failure == SandboxFailure.Fault && injection.Code == 0))
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["failure"] = ["Name the method, a count from 1 to 10000 and, for a fault, its code."],
                });
            traffic.Inject(injection);
            return Results.NoContent();
        });
        control.MapDelete("/failures", (SandboxTraffic traffic) =>
        {
            traffic.ClearInjections();
            return Results.NoContent();
        });
        control.MapGet("/reservations/{rno}", (string rno, KlarnaSandbox sandbox) =>
            sandbox.FindReservation(rno) is { } reservation ? Results.Ok(reservation) : Results.NotFound());
        control.MapGet("/orders/{orderId}", (string orderId, KlarnaSandbox sandbox) => TypedResults.Ok(sandbox.FindOrder(orderId)));
        control.MapGet("/executions", (KlarnaSandbox sandbox) => TypedResults.Ok(sandbox.Executions()));
        control.MapPost("/reservations/{rno}/resolve", (string rno, ResolveRequest request, KlarnaSandbox sandbox) =>
            sandbox.ResolvePending(rno, request.Status)
                ? Results.NoContent()
                : Results.Problem($"Reservation {rno} is not pending, or {request.Status} is no decision.", statusCode: StatusCodes.Status409Conflict));
        control.MapPost("/reset", (KlarnaSandbox sandbox, SandboxTraffic traffic) =>
        {
            sandbox.Reset();
            traffic.Reset();
            return Results.NoContent();
        });
    }

    private sealed record LatencyRequest(int Milliseconds);

    private sealed record ResolveRequest([property: JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))] OrderStatus Status);
}
