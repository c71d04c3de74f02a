using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>
/// The customer a channel's subscriptions belong to, known to the shop by its e-mail address, and completed from what
/// Klarna knows after a purchase. The personal number is kept only encrypted, with a keyed digest for exact search and
/// its last four digits to show.
/// </summary>
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
        if (firstName.Trim().Length > FieldRules.Name || lastName.Trim().Length > FieldRules.Name)
            throw new BusinessRuleException("A name has at most {0} characters.", FieldRules.Name);
        (ChannelId, Email, FirstName, LastName, CreatedAt) = (channelId, email, firstName.Trim(), lastName.Trim(), createdAt);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public string Email { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public DateOnly? BirthDate { get; private set; }
    public string? MobilePhone { get; private set; }
    public TransactionAddress? BillingAddress { get; private set; }
    public TransactionAddress? DeliveryAddress { get; private set; }
    public string? ProtectedPersonalNumber { get; private set; }
    public string? PersonalNumberDigest { get; private set; }
    public string? PersonalNumberLastFour { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    public string MaskedPersonalNumber => PersonalNumberLastFour is { } last ? $"••••{last}" : "";

    /// <summary>Name, birth date and billing address from Klarna; refused whole when a part does not fit.</summary>
    public void TakeDetails(string? firstName, string? lastName, DateOnly? birthDate, TransactionAddress? billing, string? mobilePhone, DateTimeOffset at)
    {
        if (DetailsError(firstName, lastName, billing, mobilePhone) is { } error)
            throw new BusinessRuleException(error);
        (FirstName, LastName) = (firstName is { Length: > 0 } ? firstName : FirstName, lastName is { Length: > 0 } ? lastName : LastName);
        BirthDate = birthDate ?? BirthDate;
        BillingAddress = billing ?? BillingAddress;
        MobilePhone = mobilePhone is { Length: > 0 } ? mobilePhone : MobilePhone;
        CompletedAt = at;
    }

    public void TakeDeliveryAddress(TransactionAddress delivery)
    {
        if (AddressError(delivery) is { } error)
            throw new BusinessRuleException(error);
        DeliveryAddress = delivery;
    }

    public void TakePersonalNumber(ProtectedPersonalNumber number) =>
        (ProtectedPersonalNumber, PersonalNumberDigest, PersonalNumberLastFour) = (number.Protected, number.Digest, number.LastFour);

    public static Message? DetailsError(string? firstName, string? lastName, TransactionAddress? billing, string? mobilePhone) =>
        (firstName?.Length ?? 0) > FieldRules.Name || (lastName?.Length ?? 0) > FieldRules.Name || (mobilePhone?.Length ?? 0) > FieldRules.Phone
            ? new Message("The customer's name or phone does not fit the account.")
            : billing is null ? null : AddressError(billing);

    public static Message? AddressError(TransactionAddress address) =>
        address.Street.Length == 0 || address.PostalCode.Length == 0 || address.City.Length == 0 || address.Country.Length != 2
            ? new Message("An address needs a street, a postal code, a city and a country.")
        : address.Street.Length > FieldRules.Street || address.City.Length > FieldRules.City || address.PostalCode.Length > FieldRules.PostalCode
            || address.FirstName.Length > FieldRules.Name || address.LastName.Length > FieldRules.Name
            ? new Message("A field of the address is too long.")
        : null;
}

internal sealed class SubscriberAccountConfiguration : IEntityTypeConfiguration<SubscriberAccount>
{
    public void Configure(EntityTypeBuilder<SubscriberAccount> account)
    {
        account.ToTable("SubscriberAccounts");
        account.HasOne<Channel>().WithMany().HasForeignKey(a => a.ChannelId).OnDelete(DeleteBehavior.Restrict);
        account.HasIndex(a => new { a.ChannelId, a.Email }).IsUnique();
        account.HasIndex(a => new { a.ChannelId, a.PersonalNumberDigest });
        account.Property(a => a.Email).HasMaxLength(FieldRules.Email);
        account.Property(a => a.FirstName).HasMaxLength(FieldRules.Name);
        account.Property(a => a.LastName).HasMaxLength(FieldRules.Name);
        account.Property(a => a.MobilePhone).HasMaxLength(FieldRules.Phone);
        account.Property(a => a.ProtectedPersonalNumber).HasMaxLength(500);
        account.Property(a => a.PersonalNumberDigest).HasMaxLength(64);
        account.Property(a => a.PersonalNumberLastFour).HasMaxLength(4);
        account.ComplexProperty(a => a.BillingAddress, address => address.ToJson());
        account.ComplexProperty(a => a.DeliveryAddress, address => address.ToJson());
        account.Ignore(a => a.MaskedPersonalNumber);
    }
}
