using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>
/// Reads a shop's JSON body. A body that is not the expected JSON is the shop's mistake: it gets a 400 problem saying
/// what is wrong, and the log a warning without a stack trace.
/// </summary>
internal static partial class ShopApiJson
{
    /// <summary>Far above any basket a shop sends; a larger body is refused before it is read whole.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<(T? Value, byte[] Body, IResult? Problem)> ReadAsync<T>(HttpContext context, string endpoint) where T : class
    {
        var tooLarge = Results.Problem(title: "Too large", statusCode: StatusCodes.Status413PayloadTooLarge, detail: $"A request is at most {MaxBodyBytes} bytes.");
        if (context.Request.ContentLength > MaxBodyBytes)
            return (null, [], tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return (null, [], tooLarge);
            buffer.Write(chunk, 0, read);
        }
        var body = buffer.ToArray();
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BackOffice.Web.ShopApi");
        try
        {
            if (JsonSerializer.Deserialize<T>(body, options) is { } value)
                return (value, body, null);
            LogMalformed(logger, endpoint, "the body is null");
            return (null, body, Results.Problem(title: "Not valid JSON", statusCode: 400, detail: "Send the request as a JSON object."));
        }
        catch (JsonException e)
        {
            LogMalformed(logger, endpoint, e.Message);
            return (null, body, Results.Problem(title: "Not valid JSON", statusCode: 400, detail: $"The body is not valid here: {e.Message}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shop API {Endpoint}: malformed request ({Reason})")]
    private static partial void LogMalformed(ILogger logger, string endpoint, string reason);
}
