using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// A seller on a marketplace channel: the order lines whose article numbers start with its prefix are its own, and a
/// settlement by virtual cards pays it its part with a card of its own (or its share of one multi-use card).
/// </summary>
public sealed class MarketplaceSeller
{
    public const int NameMaxLength = 100;
    public const int PrefixMaxLength = 40;

    private MarketplaceSeller()
    {
    }

    public MarketplaceSeller(int channelId, string name, string articlePrefix)
    {
        name = name.Trim();
        articlePrefix = articlePrefix.Trim();
        if (Error(name, articlePrefix) is { } error)
            throw new BusinessRuleException(error);
        (ChannelId, Name, ArticlePrefix) = (channelId, name, articlePrefix);
    }

    public int Id { get; private set; }

    public int ChannelId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>How the seller's article numbers begin ("S1-"); the longest prefix that fits a line wins.</summary>
    public string ArticlePrefix { get; private set; } = "";

    public static Message? Error(string name, string articlePrefix) =>
        name.Length == 0 ? new Message("Name the seller.")
        : name.Length > NameMaxLength ? new Message("A seller's name has at most {0} characters.", NameMaxLength)
        : articlePrefix.Length == 0 ? new Message("Give the beginning of the seller's article numbers.")
        : articlePrefix.Length > PrefixMaxLength ? new Message("An article prefix has at most {0} characters.", PrefixMaxLength)
        : null;

    /// <summary>The seller of each article number: the longest prefix that fits, or null when none does.</summary>
    public static MarketplaceSeller? Of(string articleNumber, IEnumerable<MarketplaceSeller> sellers) =>
        sellers.Where(s => articleNumber.StartsWith(s.ArticlePrefix, StringComparison.Ordinal)).MaxBy(s => s.ArticlePrefix.Length);
}

internal sealed class MarketplaceSellerConfiguration : IEntityTypeConfiguration<MarketplaceSeller>
{
    public void Configure(EntityTypeBuilder<MarketplaceSeller> seller)
    {
        seller.ToTable("MarketplaceSellers");
        seller.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
        seller.HasIndex(s => new { s.ChannelId, s.Name }).IsUnique();
        seller.HasIndex(s => new { s.ChannelId, s.ArticlePrefix }).IsUnique();
        seller.Property(s => s.Name).HasMaxLength(MarketplaceSeller.NameMaxLength);
        seller.Property(s => s.ArticlePrefix).HasMaxLength(MarketplaceSeller.PrefixMaxLength);
    }
}
