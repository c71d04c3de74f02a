using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Channels;

/// <summary>A sales channel (shop); the provider modules keep their services' settings for it beside it.</summary>
public sealed partial class Channel
{
    public const int CodeMaxLength = 40;
    public const int NameMaxLength = 100;

    private Channel()
    {
    }

    public Channel(string code, string name)
    {
        Code = CodeError(code) is { } error ? throw new BusinessRuleException(error) : code;
        Name = ValidName(name);
    }

    public int Id { get; private set; }

    /// <summary>Used in URLs and the shop API; never changes.</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public void Rename(string name) => Name = ValidName(name);

    public static Message? CodeError(string? code) => code switch
    {
        null or "" => new("Enter a code."),
        { Length: > CodeMaxLength } => new("A code has at most {0} characters.", CodeMaxLength),
        _ when !CodePattern().IsMatch(code) => new("Use lower-case letters, digits and single dashes between them, e.g. shop-de."),
        _ => null,
    };

    public static Message? NameError(string? name) => name?.Trim() switch
    {
        null or "" => new("Enter a name."),
        { Length: > NameMaxLength } => new("A name has at most {0} characters.", NameMaxLength),
        _ => null,
    };

    private static string ValidName(string name) => NameError(name) is { } error ? throw new BusinessRuleException(error) : name.Trim();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex CodePattern();
}

/// <summary>How <see cref="Channel"/> is kept.</summary>
internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> channel)
    {
        channel.HasIndex(c => c.Code).IsUnique();
        channel.Property(c => c.Code).HasMaxLength(Channel.CodeMaxLength);
        channel.Property(c => c.Name).HasMaxLength(Channel.NameMaxLength);
    }
}
