using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackOffice.Web.Features.Users;

/// <summary>The mails the back office sends staff: set-password links. Through SMTP when configured, else into the pickup folder (Development).</summary>
public sealed partial class UserMail(IOptions<EmailOptions> options, IHostEnvironment environment, ILogger<UserMail> logger)
{
    /// <summary>Whether a mail would reach anyone or anywhere.</summary>
    public bool CanSend => options.Value.HasSmtp || PickupDirectory is not null;

    /// <summary>Sends the link; answers whether a mail went out (or was written to the pickup folder).</summary>
    public async Task<bool> SendSetPasswordLinkAsync(string email, string displayName, Uri link, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var message = new MimeMessage { Subject = "Your Klarna Back Office account" };
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(new MailboxAddress(displayName, email));
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {(displayName.Length > 0 ? displayName : email)},

                set the password of your Klarna Back Office account here:

                {link}

                The link works once, until {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. If it has expired, ask an administrator for a new one.
                """,
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
