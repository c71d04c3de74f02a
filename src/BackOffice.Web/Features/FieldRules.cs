using System.Net;
using System.Text.RegularExpressions;

namespace BackOffice.Web.Features;

/// <summary>
/// How long each stored text may be, and what an e-mail and an IP address look like: the same rules wherever such a
/// field comes in (the shop API, the pages, notifications).
/// </summary>
public static partial class FieldRules
{
    public const int Name = 100;
    public const int Company = 100;
    public const int Street = 100;
    public const int HouseNumber = 20;
    public const int CareOf = 100;
    public const int PostalCode = 20;
    public const int City = 100;
    public const int Email = 254;
    public const int Phone = 30;
    public const int Title = 255;

    /// <summary>Shared secrets, keys and passwords an administrator enters for a provider.</summary>
    public const int Secret = 200;

    /// <summary>A provider's web address.</summary>
    public const int Address = 200;

    /// <summary>An address a person can receive mail at: one local part, one domain with a dot, nothing else.</summary>
    public static bool IsEmail(string? text) => text is { Length: > 0 and <= Email } && EmailPattern().IsMatch(text);

    /// <summary>An IPv4 address as four numbers with dots, or an IPv6 address; not the short forms such as "1".</summary>
    public static bool IsIpAddress(string? text) =>
        text is { Length: > 0 and <= 45 } && IPAddress.TryParse(text, out var address)
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? text.Contains(':', StringComparison.Ordinal) : DottedQuad().IsMatch(text));

    /// <summary>Digits with +, spaces and hyphens: what Klarna takes (it refuses brackets and slashes).</summary>
    public static bool IsPhone(string? text) => text is { Length: <= Phone } && text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-');

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex DottedQuad();
}
