using BackOffice.Web.Features.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Subscriptions;

public enum PurchaseSessionState
{
    Open,

    /// <summary>A place-order holds it: the same authorization sent again carries on, any other request is refused.</summary>
    Placing,

    /// <summary>A purchase succeeded with it; it serves no other.</summary>
    Used,
}

/// <summary>
/// A shop's purchase of a package or campaign, as Payway's purchase session: open for 48 hours and used up by the
/// purchase it ends in. It fixes what is sold — the plan's versions as they were when it was made.
/// </summary>
public sealed class PurchaseSession
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(48);
    public const int ConfirmationUrlMaxLength = 1000;

    private PurchaseSession()
    {
    }

    public PurchaseSession(int channelId, SubscriptionPlan plan, PlanVersion package, PlanVersion? campaign, string confirmationUrl, string? email, string? firstName,
        string? lastName, bool disableAccountInfoOverwrite, string? locale, DateTimeOffset at)
    {
        (ChannelId, PlanId, PackageVersionId, CampaignVersionId, ConfirmationUrl, Email, FirstName, LastName, DisableAccountInfoOverwrite, Locale, CreatedAt) =
            (channelId, plan.Id, package.Id, campaign?.Id, confirmationUrl, email?.Trim(), firstName?.Trim(), lastName?.Trim(), disableAccountInfoOverwrite, locale, at);
        IsTrial = campaign?.TrialDays is not null;
        ExpiresAt = at + Lifetime;
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public int PlanId { get; private set; }
    public int PackageVersionId { get; private set; }
    public int? CampaignVersionId { get; private set; }
    public bool IsTrial { get; private set; }
    public string ConfirmationUrl { get; private set; } = "";
    public string? Email { get; private set; }
    public string? FirstName { get; private set; }
    public string? LastName { get; private set; }
    public bool DisableAccountInfoOverwrite { get; private set; }
    public string? Locale { get; private set; }
    public string ProviderSessionId { get; private set; } = "";
    public PurchaseSessionState State { get; private set; }
    public string? AuthorizationToken { get; private set; }
    public Guid? SubscriptionId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public int Version { get; private set; }

    public void Opened(string providerSessionId) => ProviderSessionId = providerSessionId;

    /// <summary>Takes the session for a purchase with this authorization; answers whether it carries on one already begun.</summary>
    public bool Claim(string authorizationToken, DateTimeOffset now)
    {
        if (now >= ExpiresAt)
            throw new BusinessRuleException("The purchase session has expired; create a new one.");
        if (State == PurchaseSessionState.Used)
            throw new BusinessRuleException("The purchase session was used by a purchase already; create a new one.");
        if (State == PurchaseSessionState.Placing)
            return AuthorizationToken == authorizationToken
                ? true
                : throw new BusinessRuleException("The purchase session is being used by another purchase right now.");
        (State, AuthorizationToken) = (PurchaseSessionState.Placing, authorizationToken);
        Version++;
        return false;
    }

    /// <summary>The purchase did not happen: the session may be used again with a new authorization.</summary>
    public void Release()
    {
        (State, AuthorizationToken) = (PurchaseSessionState.Open, null);
        Version++;
    }

    public void Used(Guid subscriptionId)
    {
        (State, SubscriptionId) = (PurchaseSessionState.Used, subscriptionId);
        Version++;
    }
}

internal sealed class PurchaseSessionConfiguration : IEntityTypeConfiguration<PurchaseSession>
{
    public void Configure(EntityTypeBuilder<PurchaseSession> session)
    {
        session.ToTable("PurchaseSessions");
        session.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Restrict);
        session.HasOne<SubscriptionPlan>().WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Restrict);
        session.Property(s => s.ConfirmationUrl).HasMaxLength(PurchaseSession.ConfirmationUrlMaxLength);
        session.Property(s => s.Email).HasMaxLength(FieldRules.Email);
        session.Property(s => s.FirstName).HasMaxLength(FieldRules.Name);
        session.Property(s => s.LastName).HasMaxLength(FieldRules.Name);
        session.Property(s => s.Locale).HasMaxLength(10);
        session.Property(s => s.ProviderSessionId).HasMaxLength(255);
        session.Property(s => s.AuthorizationToken).HasMaxLength(255);
        session.Property(s => s.State).HasConversion<string>().HasMaxLength(10);
        session.Property(s => s.Version).IsConcurrencyToken();
    }
}
