using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>
/// What an operator does to a subscription: cancel it at its period's end, terminate it now (its token cancelled at
/// the provider), try a past-due charge again now, move the next charge. Each is audited; a change another save made
/// first is refused, not overwritten.
/// </summary>
public sealed class SubscriptionActions(
    IDbContextFactory<BackOfficeDbContext> databases, StaffAuthorization authorization, ISubscriptionPayments payments, RecurringCharges charges, TimeProvider time)
{
    public Task CancelAtPeriodEndAsync(ClaimsPrincipal user, Guid subscriptionId) =>
        ChangeAsync(user, subscriptionId, "Cancel at period end", s =>
        {
            s.CancelAtEnd();
            return new Message("Ends at {0}; nothing more is charged.", s.NextChargeAt!.Value);
        });

    public async Task TerminateAsync(ClaimsPrincipal user, Guid subscriptionId, string reason)
    {
        reason = reason.Trim();
        if (reason.Length is 0 or > 200)
            throw new BusinessRuleException("Say why, in at most 200 characters.");
        var (channelId, token) = await ChangeAsync(user, subscriptionId, "Terminate", s =>
        {
            s.Terminate(time.GetUtcNow(), reason);
            return new Message("Terminated: {0}", reason);
        });
        // Nothing is charged on a terminated subscription; the token is ended too, so that nothing can be.
        if (token.Length > 0)
            await payments.CancelTokenAsync(channelId, token, CancellationToken.None);
    }

    public async Task<ChargeTurn?> RetryNowAsync(ClaimsPrincipal user, Guid subscriptionId)
    {
        await ChangeAsync(user, subscriptionId, "Retry charge", s =>
        {
            s.RetryNow(time.GetUtcNow());
            return new Message("The refused charge is tried again now.");
        });
        return await charges.ChargeAsync(subscriptionId, CancellationToken.None);
    }

    /// <summary>
    /// Settles a charge whose answer never came and whose key the provider no longer answers, from what the operator
    /// found at the provider: the order placed for it (<paramref name="providerOrderId"/>), or none (null).
    /// </summary>
    public async Task<ChargeTurn?> SettleOpenChargeAsync(ClaimsPrincipal user, Guid subscriptionId, string? providerOrderId)
    {
        await authorization.RequireAsync(user, Policies.Operator, "Settle charge");
        if (providerOrderId is not null && providerOrderId.Trim().Length is 0 or > 255)
            throw new BusinessRuleException("Give the provider's order id (at most 255 characters).");
        return await charges.SettleFoundAsync(subscriptionId, providerOrderId, user.Name());
    }

    public Task MoveNextChargeAsync(ClaimsPrincipal user, Guid subscriptionId, DateTimeOffset to) =>
        ChangeAsync(user, subscriptionId, "Move next charge", s =>
        {
            var was = s.NextChargeAt;
            s.MoveNextCharge(to, time.GetUtcNow());
            return new Message("Next charge moved from {0} to {1}.", was ?? to, to);
        });

    private async Task<(int ChannelId, string Token)> ChangeAsync(ClaimsPrincipal user, Guid subscriptionId, string action, Func<Subscription, Message> change)
    {
        await authorization.RequireAsync(user, Policies.Operator, action);
        await using var db = await databases.CreateDbContextAsync();
        var subscription = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId) ?? throw new BusinessRuleException("There is no such subscription.");
        if (await db.SubscriptionCharges.AnyAsync(c => c.SubscriptionId == subscriptionId && (c.State == SubscriptionChargeState.Sending || c.State == SubscriptionChargeState.Unknown)))
            throw new BusinessRuleException("A charge of this subscription is under way; try again when it is settled.");
        var what = change(subscription);
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Subscriptions", action, subscription.Id.ToString(), what));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new BusinessRuleException("The subscription changed meanwhile; look again.");
        }
        return (subscription.ChannelId, subscription.CustomerToken);
    }
}
