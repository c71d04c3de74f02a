namespace BackOffice.Web.Features.Hosting;

/// <summary>
/// The address staff and providers reach the back office at (<c>App:PublicBaseUrl</c>). Links in mails and the
/// notification addresses given to providers are made from it, never from a request's Host header, which anyone can
/// forge. Required outside Development; in Development, without it, the address the app listens on.
/// </summary>
public sealed class PublicAddress(IConfiguration configuration, OwnAddress own)
{
    public const string Key = "App:PublicBaseUrl";

    public Uri BaseUri => Configured(configuration) ?? own.Listening ?? new Uri("http://localhost/");

    public Uri Of(string relative) => new(BaseUri, relative.TrimStart('/'));

    /// <summary>The configured address with a closing slash, or null when none is set.</summary>
    public static Uri? Configured(IConfiguration configuration) =>
        configuration[Key] is { Length: > 0 } text && Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Why the configured address cannot be used, or null.</summary>
    public static string? Error(IConfiguration configuration, IHostEnvironment environment)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
            return environment.IsDevelopment() ? null
                : $"{Key} is required outside Development: the address staff open the back office at (e.g. https://backoffice.shop.example/); links in mails are made from it.";
        return Configured(configuration) is { Scheme: "http" or "https", Query.Length: 0, Fragment.Length: 0 } uri && uri.UserInfo.Length == 0 && text.Length <= 200
            ? null
            : $"{Key} '{text}' is not an http or https address without user, query or fragment (at most 200 characters).";
    }
}
