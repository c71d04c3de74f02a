using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>The customer a channel's subscriptions belong to, known to the shop by its e-mail address.</summary>
public sealed class SubscriberAccount
{
    private SubscriberAccount()
    {
    }

    public SubscriberAccount(int channelId, string email, string firstName, string lastName, DateTimeOffset createdAt)
    {
        email = email.Trim();
        if (!FieldRules.IsEmail(email))
            throw new BusinessRuleException("'{0}' is not an e-mail address.", email);
        (ChannelId, Email, FirstName, LastName, CreatedAt) = (channelId, email, firstName.Trim(), lastName.Trim(), createdAt);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public string Email { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}

internal sealed class SubscriberAccountConfiguration : IEntityTypeConfiguration<SubscriberAccount>
{
    public void Configure(EntityTypeBuilder<SubscriberAccount> account)
    {
        account.ToTable("SubscriberAccounts");
        account.HasOne<Channel>().WithMany().HasForeignKey(a => a.ChannelId).OnDelete(DeleteBehavior.Restrict);
        account.HasIndex(a => new { a.ChannelId, a.Email }).IsUnique();
        account.Property(a => a.Email).HasMaxLength(FieldRules.Email);
        account.Property(a => a.FirstName).HasMaxLength(FieldRules.Name);
        account.Property(a => a.LastName).HasMaxLength(FieldRules.Name);
    }
}
