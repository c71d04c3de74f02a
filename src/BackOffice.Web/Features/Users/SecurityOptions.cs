namespace BackOffice.Web.Features.Users;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Users in these roles must set up two-factor authentication before they can use any page (e.g. Administrator).</summary>
    public List<string> RequireTwoFactorForRoles { get; set; } = [];

    /// <summary>Outside Development administrators must use two-factor sign-in unless this is true.</summary>
    public bool AllowAdministratorsWithoutTwoFactor { get; set; }
}
