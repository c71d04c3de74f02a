namespace BackOffice.Web.Features.ShopApi;

internal static class ShopApiChecks
{
    /// <summary>A key opens only its own channel's endpoints.</summary>
    public static IResult? Refusal(HttpContext context, string code) =>
        context.User.FindFirst(ApiKeyAuthentication.ChannelClaim)?.Value == code
            ? null
            : Results.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden, detail: $"This API key does not belong to channel '{code}'.");
}
