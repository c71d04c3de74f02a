using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackOffice.Sandbox.Kit;

/// <summary>The control endpoints every sandbox has: <c>GET calls</c>, <c>PUT latency</c>, <c>POST|DELETE failures</c>.</summary>
public static class TrafficControl
{
    public static RouteGroupBuilder MapTrafficControl(this RouteGroupBuilder control, Func<IServiceProvider, SandboxTraffic> trafficOf)
    {
        control.MapGet("/calls", (HttpContext context) => TypedResults.Ok(trafficOf(context.RequestServices).Calls));
        control.MapPut("/latency", (LatencyRequest request, HttpContext context) =>
        {
            if (request.Milliseconds is < 0 or > 60_000)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["milliseconds"] = ["Between 0 and 60000."] });
            trafficOf(context.RequestServices).SetLatency(request.Milliseconds);
            return Results.NoContent();
        });
        control.MapPost("/failures", (SandboxInjection injection, HttpContext context) =>
        {
            if (string.IsNullOrWhiteSpace(injection.Method) || injection.Count is < 1 or > 10_000
                || (injection.Failure == SandboxFailure.Fault && injection.Code == 0))
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["failure"] = ["Name the method, a count from 1 to 10000 and, for a fault, its code."],
                });
            trafficOf(context.RequestServices).Inject(injection);
            return Results.NoContent();
        });
        control.MapDelete("/failures", (HttpContext context) =>
        {
            trafficOf(context.RequestServices).ClearInjections();
            return Results.NoContent();
        });
        return control;
    }

    internal sealed record LatencyRequest(int Milliseconds);
}
