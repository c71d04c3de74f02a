using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.ShopApi;

/// <summary>Shops authenticate with the header X-Api-Key; the key says which channel they are.</summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ActiveApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string ChannelClaim = "channel";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.ToString() is not { Length: > 0 } key)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.ChannelOf(key) is not { } channel)
            return Task.FromResult(AuthenticateResult.Fail("The API key is wrong or was revoked."));
        var identity = new ClaimsIdentity([new Claim(ChannelClaim, channel), new Claim(ClaimTypes.Name, $"shop:{channel}")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} realm=\"shop API\", header=\"{Header}\"";
        await Results.Problem(title: "Unauthorized", statusCode: 401,
            detail: Request.Headers.ContainsKey(Header) ? "The API key is wrong or was revoked." : $"Send the channel's API key in the {Header} header.")
            .ExecuteAsync(Context);
    }
}
