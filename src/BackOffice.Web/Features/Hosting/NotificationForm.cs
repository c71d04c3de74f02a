using Microsoft.AspNetCore.Http.Features;

namespace BackOffice.Web.Features.Hosting;

/// <summary>
/// Reads the form a provider posts to a notification endpoint within limits no genuine notification reaches, so that
/// nothing a sender can send ends in an exception: a body too large answers 413, anything else malformed 400.
/// </summary>
public static class NotificationForm
{
    public const long MaxBodyBytes = 256 * 1024;
    public const int MaxFields = 50;
    public const int MaxFieldLength = 64 * 1024;

    /// <summary>The answer to a form that cannot be read: its status and why.</summary>
    public sealed record Refusal(int Status, Message Why);

    public static async Task<(IReadOnlyDictionary<string, string>? Form, Refusal? Refusal)> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is not { } type || !type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return (null, new(StatusCodes.Status400BadRequest, new Message("A notification is a form (application/x-www-form-urlencoded).")));
        if (request.ContentLength > MaxBodyBytes)
            return (null, TooLarge);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxBodyBytes;
        context.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            ValueCountLimit = MaxFields,
            ValueLengthLimit = MaxFieldLength,
            KeyLengthLimit = 100,
        }));
        try
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            return (form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, new(StatusCodes.Status400BadRequest, new Message("The form is not one a notification can be: {0}", e.Message)));
        }
    }

    private static Refusal TooLarge => new(StatusCodes.Status413PayloadTooLarge, new Message("A notification is at most {0} bytes.", MaxBodyBytes));
}
