namespace BackOffice.Web.Features.Users;

public sealed class SessionOptions
{
    public const string Section = "Session";

    /// <summary>Signed out after this long without a request or, in a live page, without input.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an open page checks its user against the database: a locked, deactivated or demoted user's pages close within this.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(5);
}
