using System.Net.Http.Headers;
using System.Text;
using BackOffice.Klarna.XmlRpc;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackOffice.Klarna.Sandbox;

public static class SandboxEndpoints
{
    public const string VersionText = "Klarna sandbox (KPM XML-RPC 4.1)";

    public static IServiceCollection AddKlarnaSandbox(this IServiceCollection services)
    {
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Merchants.All(m => m.Eid > 0 && m.Secret.Length > 0), "Every Sandbox:Merchants entry needs a positive Eid and a Secret.")
            .Validate(o => o.Merchants.Select(m => m.Eid).Distinct().Count() == o.Merchants.Count, "Sandbox:Merchants lists an Eid twice.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KlarnaSandbox>();
        return services;
    }

    /// <summary>Serves <c>POST {prefix}/</c> (XML-RPC), <c>GET {prefix}/version</c> and, when enabled, the control API.</summary>
    public static RouteGroupBuilder MapKlarnaSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var group = endpoints.MapGroup(prefix).ExcludeFromDescription();
        group.MapGet("/version", () => VersionText);
        group.MapPost("/", HandleCallAsync).DisableAntiforgery();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<SandboxOptions>>().Value.ControlApi)
            group.MapSandboxControl();
        return group;
    }

    private static async Task HandleCallAsync(HttpContext context, KlarnaSandbox sandbox)
    {
        var traffic = sandbox.Traffic;
        XmlRpcCall call;
        try
        {
            call = await ReadCallAsync(context.Request);
        }
        catch (XmlRpcFormatException e)
        {
            await WriteAsync(context, XmlRpcCodec.EncodeFault(SandboxFault.NotWellFormed, $"not an XML-RPC call: {e.Message}"));
            return;
        }

        traffic.Count(call.Method);
        await traffic.WaitLatencyAsync(call.Method, context.RequestAborted);

        var injection = traffic.Take(call.Method);
        if (injection is { Failure: SandboxFailure.Fault })
        {
            await WriteAsync(context, XmlRpcCodec.EncodeFault(injection.Code, SandboxFault.KeyOf(injection.Code)));
            return;
        }

        byte[] answer;
        try
        {
            answer = injection is null or { AfterExecution: true }
                ? XmlRpcCodec.EncodeResponse(sandbox.Handle(call))
                : [];
        }
        catch (SandboxFault fault)
        {
            answer = XmlRpcCodec.EncodeFault(fault.Code, fault.Message);
        }

        switch (injection?.Failure)
        {
            case SandboxFailure.Drop:
                context.Abort();
                return;
            case SandboxFailure.Timeout:
                await SandboxHang.HangAsync(context.RequestAborted);
                return;
            case SandboxFailure.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("injected server error", context.RequestAborted);
                return;
            default:
                await WriteAsync(context, answer);
                return;
        }
    }

    /// <summary>Honours the charset the client sends; without one, the XML declaration (UTF-8 when it names none).</summary>
    private static async Task<XmlRpcCall> ReadCallAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        buffer.Position = 0;
        var charset = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.CharSet?.Trim('"') : null;
        if (charset is null || DeclaresEncoding(buffer.GetBuffer()))
            return XmlRpcCodec.ReadCall(buffer);
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            throw new XmlRpcFormatException($"the charset '{charset}' is unknown.");
        }
        return XmlRpcCodec.ReadCall(encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static bool DeclaresEncoding(byte[] body)
    {
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 100));
        var end = head.IndexOf("?>", StringComparison.Ordinal);
        return head.StartsWith("<?xml", StringComparison.Ordinal) && end > 0 && head[..end].Contains("encoding", StringComparison.Ordinal);
    }

    private static async Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = XmlRpcCodec.ContentType;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
