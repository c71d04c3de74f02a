using System.Text.Json.Serialization;
using BackOffice.Sandbox.Kit;

namespace BackOffice.Klarna.Sandbox;

/// <summary>The control API under /_sandbox, for tests and demos. Served only when Sandbox:ControlApi is true.</summary>
internal static class SandboxControl
{
    public static void MapSandboxControl(this RouteGroupBuilder group)
    {
        var control = group.MapGroup("/_sandbox").MapTrafficControl(services => services.GetRequiredService<KlarnaSandbox>().Traffic);
        control.MapGet("/reservations/{rno}", (string rno, KlarnaSandbox sandbox) =>
            sandbox.FindReservation(rno) is { } reservation ? Results.Ok(reservation) : Results.NotFound());
        control.MapGet("/orders/{orderId}", (string orderId, KlarnaSandbox sandbox) => TypedResults.Ok(sandbox.FindOrder(orderId)));
        control.MapGet("/executions", (KlarnaSandbox sandbox) => TypedResults.Ok(sandbox.Executions()));
        control.MapPost("/reservations/{rno}/resolve", (string rno, ResolveRequest request, KlarnaSandbox sandbox) =>
            sandbox.ResolvePending(rno, request.Status)
                ? Results.NoContent()
                : Results.Problem($"Reservation {rno} is not pending, or {request.Status} is no decision.", statusCode: StatusCodes.Status409Conflict));
        control.MapPost("/reset", (KlarnaSandbox sandbox) =>
        {
            sandbox.Reset();
            sandbox.Traffic.Reset();
            return Results.NoContent();
        });
    }

    internal sealed record ResolveRequest([property: JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))] OrderStatus Status);
}
