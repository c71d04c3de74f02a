namespace BackOffice.Web.Features.Users;

public enum SmtpSecurity
{
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>How the app sends mail: through SMTP when <c>Email:Smtp:Host</c> is set; in Development into a folder of .eml files.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "Klarna Back Office <no-reply@backoffice.local>";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>A folder each mail is written to as an .eml file instead of being sent (set in the Development settings: App_Data/mail).</summary>
    public string? PickupDirectory { get; set; }

    public bool HasSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string? UserName { get; set; }
    public string? Password { get; set; }
}
