using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackOffice.Web.Features.Users;

/// <summary>The mails the back office sends staff: set-password links. Through SMTP when configured, else into the pickup folder (Development).</summary>
public sealed partial class UserMail(IOptions<EmailOptions> options, IHostEnvironment environment, IStringLocalizer<Texts> texts, ILogger<UserMail> logger)
{
    /// <summary>Whether a mail would reach anyone or anywhere.</summary>
    public bool CanSend => options.Value.HasSmtp || PickupDirectory is not null;

    /// <summary>
    /// Sends the link in the recipient's language (<paramref name="language"/>, else the sender's); answers whether a
    /// mail went out (or was written to the pickup folder).
    /// </summary>
    public async Task<bool> SendSetPasswordLinkAsync(string email, string displayName, Uri link, DateTimeOffset expiresAt, string? language = null, CancellationToken cancellationToken = default)
    {
        if (language is not null && Cultures.Languages.TryGetValue(language, out var culture))
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        var message = new MimeMessage { Subject = texts["Your Klarna Back Office account"] };
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(new MailboxAddress(displayName, email));
        message.Body = new TextPart("plain")
        {
            Text = texts["Hello {0},\n\nset the password of your Klarna Back Office account here:\n\n{1}\n\nThe link works once, until {2} UTC. If it has expired, ask an administrator for a new one.",
                displayName.Length > 0 ? displayName : email, link, expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)],
        };
        if (options.Value.HasSmtp)
        {
            var smtp = options.Value.Smtp;
            using var client = new SmtpClient();
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            }, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return true;
        }
        if (PickupDirectory is not { } folder)
            return false;
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml");
        await message.WriteToAsync(file, cancellationToken);
        LogPickedUp(email, link, file);
        return true;
    }

    private string? PickupDirectory => options.Value.PickupDirectory is { Length: > 0 } folder ? Path.GetFullPath(folder, environment.ContentRootPath) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Set-password link for {Email}: {Link} (mail written to {File})")]
    private partial void LogPickedUp(string email, Uri link, string file);
}
