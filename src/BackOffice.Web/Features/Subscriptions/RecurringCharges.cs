using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>What one subscription's turn came to, in words for the job's run.</summary>
public sealed record ChargeTurn(Guid SubscriptionId, SubscriptionState State, Message What, bool Failed = false);

/// <summary>
/// Charges the subscriptions whose period is due, one charge per period. Each charge is claimed by writing it before
/// the provider is asked (the database lets one run write a period's attempt), sent under its key, and settled with the
/// subscription — and, when paid, the period's transaction — in one save. A charge left open by a lost answer or a
/// restart is asked again with the same key, so the provider answers it and never charges twice.
/// </summary>
public sealed class RecurringCharges(IDbContextFactory<BackOfficeDbContext> databases, ISubscriptionPayments payments, PersonalNumbers personalNumbers,
    TransactionChanges changes, TimeProvider time)
{
    public const string Actor = "Recurring charges";

    public async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Subscriptions.Where(s => s.NextChargeAt != null && s.NextChargeAt <= now
                && s.State != SubscriptionState.Cancelled && s.State != SubscriptionState.Terminated)
            .OrderBy(s => s.NextChargeAt).Select(s => s.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Charges the subscription's due period; null when it is not due or another run has its charge.</summary>
    public async Task<ChargeTurn?> ChargeAsync(Guid subscriptionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Subscription subscription;
        SubscriptionCharge charge;
        string planName;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            subscription = await db.Subscriptions.SingleAsync(s => s.Id == subscriptionId, cancellationToken);
            if (!subscription.IsDue(now))
                return null;
            if (subscription.CancelAtPeriodEnd)
            {
                subscription.EndPeriod(now);
                var cancelled = new Message("Cancelled at the end of the period.");
                Audit(db, subscription, "Cancel", cancelled);
                return await SaveAsync(db, subscription, cancelled, cancellationToken);
            }
            planName = await PlanNameAsync(db, subscription, cancellationToken);
            var open = await db.SubscriptionCharges.SingleOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.Period == subscription.NextPeriod
                && (c.State == SubscriptionChargeState.Sending || c.State == SubscriptionChargeState.Unknown), cancellationToken);
            if (open is null)
            {
                var attempts = await db.SubscriptionCharges.Where(c => c.SubscriptionId == subscriptionId && c.Period == subscription.NextPeriod)
                    .MaxAsync(c => (int?)c.Attempt, cancellationToken) ?? 0;
                charge = new SubscriptionCharge(subscription, attempts + 1, now);
                db.SubscriptionCharges.Add(charge);
                subscription.ChargeStarted();
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    return null;
                }
            }
            else if (now - open.CreatedAt > payments.KeyLifetime)
                return new ChargeTurn(subscriptionId, subscription.State, new Message(
                    "Period {0}: the answer to charge {1}, first sent at {2}, never came, and the provider no longer answers its key; it is not sent again. Look for order {3} at the provider and settle the charge on the subscription's page.",
                    open.Period + 1, open.IdempotencyKey, open.CreatedAt, open.OrderNumber), Failed: true);
            else
                charge = open;
        }

        var outcome = await payments.ChargeAsync(Request(subscription, charge, planName), cancellationToken);
        return await SettleAsync(charge.Id, outcome);
    }

    /// <summary>Whether the open charge is past its key's lifetime, so that only an operator settles it.</summary>
    public bool NeedsOperator(SubscriptionCharge charge) => charge.IsOpen && time.GetUtcNow() - charge.CreatedAt > payments.KeyLifetime;

    /// <summary>
    /// Settles an open charge whose key the provider no longer answers, from what an operator found there: the order
    /// placed for it (read back and booked), or none (the period is asked again under a new key).
    /// </summary>
    public async Task<ChargeTurn?> SettleFoundAsync(Guid subscriptionId, string? providerOrderId, string actor)
    {
        Subscription subscription;
        SubscriptionCharge charge;
        string planName;
        await using (var db = await databases.CreateDbContextAsync())
        {
            subscription = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId) ?? throw new BusinessRuleException("There is no such subscription.");
            charge = await db.SubscriptionCharges.SingleOrDefaultAsync(c => c.SubscriptionId == subscriptionId
                    && (c.State == SubscriptionChargeState.Sending || c.State == SubscriptionChargeState.Unknown))
                ?? throw new BusinessRuleException("No charge of this subscription is open.");
            if (!NeedsOperator(charge))
                throw new BusinessRuleException("The provider still answers this charge's key; the next run asks it again.");
            if (providerOrderId is null)
            {
                charge.NotPlaced(time.GetUtcNow());
                var none = new Message("Period {0}: no order was placed for charge {1}; the period is asked again under a new key.", charge.Period + 1, charge.IdempotencyKey);
                db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Subscriptions", "Settle charge", subscription.Id.ToString(), none));
                return await SaveAsync(db, subscription, none, CancellationToken.None);
            }
            planName = await PlanNameAsync(db, subscription, CancellationToken.None);
        }
        var found = await payments.FoundChargeAsync(Request(subscription, charge, planName), providerOrderId.Trim(), CancellationToken.None);
        return await SettleAsync(charge.Id, found, actor);
    }

    private static TokenCharge Request(Subscription subscription, SubscriptionCharge charge, string planName) =>
        new(subscription.ChannelId, subscription.CustomerToken, charge.OrderNumber, planName, charge.Amount, charge.Currency, subscription.Country, subscription.VatPercent,
            subscription.Interval, subscription.IntervalCount, charge.IdempotencyKey);

    private static Task<string> PlanNameAsync(BackOfficeDbContext db, Subscription subscription, CancellationToken cancellationToken) =>
        db.PlanVersions.Where(v => v.Id == subscription.PackageVersionId).Join(db.SubscriptionPlans, v => v.PlanId, p => p.Id, (_, p) => p.Name).SingleAsync(cancellationToken);

    private async Task<ChargeTurn?> SettleAsync(Guid chargeId, TokenChargeOutcome outcome, string actor = Actor)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync();
        var charge = await db.SubscriptionCharges.SingleAsync(c => c.Id == chargeId);
        var subscription = await db.Subscriptions.SingleAsync(s => s.Id == charge.SubscriptionId);
        if (!charge.IsOpen)
            return null;
        var amount = new Amount(charge.Amount, charge.Currency);
        switch (outcome)
        {
            case TokenChargeOutcome.Charged charged:
                charge.Charged(charged.ProviderOrderId, charged.Transaction, now);
                subscription.Charged(charge.Period);
                db.Transactions.Add(charged.Transaction);
                db.Invoices.Add(charged.Capture);
                await CompleteAccountAsync(db, subscription, charged.Customer);
                var paid = new Message("Period {0} charged: {1}, order {2}.", charge.Period + 1, amount, charged.Transaction.OrderNumber);
                Audit(db, subscription, "Charge", paid, actor: actor);
                var turn = await SaveAsync(db, subscription, paid, CancellationToken.None);
                changes.Notify(charged.Transaction.Id);
                return turn;
            case TokenChargeOutcome.Refused refused:
                charge.Refused(refused.Code, refused.Problem, now);
                var days = await db.RetrySchedules.Where(s => s.ChannelId == subscription.ChannelId).Select(s => s.Days).SingleOrDefaultAsync();
                subscription.Refused(refused.Refusal, refused.Code, RetrySchedule.AsWaits(RetrySchedule.Of(days)), now);
                var refusal = new Message("Period {0} refused ({1}): {2} The subscription is {3}.", charge.Period + 1, refused.Code, refused.Problem, subscription.State);
                Audit(db, subscription, "Charge", refusal, succeeded: false);
                return await SaveAsync(db, subscription, refusal, CancellationToken.None);
            default:
                var problem = ((TokenChargeOutcome.NotKnown)outcome).Problem;
                charge.NotKnown(problem);
                return await SaveAsync(db, subscription, new Message("Period {0}: the answer did not arrive ({1}); it is asked again with the same key.", charge.Period + 1, problem), CancellationToken.None)
                    is { } unknown ? unknown with { Failed = true } : null;
        }
    }

    /// <summary>
    /// After a trial, Klarna's data first arrives with the first recurring charge: it completes an account never completed,
    /// unless the purchase kept the shop's own. Nothing can be refused now, so what does not fit is left out.
    /// </summary>
    private async Task CompleteAccountAsync(BackOfficeDbContext db, Subscription subscription, BilledCustomer? customer)
    {
        if (customer is null || subscription.KeepAccountInfo)
            return;
        var account = await db.SubscriberAccounts.SingleAsync(a => a.Id == subscription.AccountId);
        if (account.CompletedAt is not null)
            return;
        var number = customer.PersonalNumber is { Length: > 0 } given ? await personalNumbers.ProtectAsync(given) : null;
        var takenElsewhere = number is not null
            && await db.SubscriberAccounts.AnyAsync(a => a.ChannelId == account.ChannelId && a.Id != account.Id && a.PersonalNumberDigest == number.Digest);
        AccountCompletion.Apply(account, customer, number, takenElsewhere, time.GetUtcNow());
    }

    /// <summary>Saves a turn; null when another run settled the charge first (its key answers the same outcome).</summary>
    private static async Task<ChargeTurn?> SaveAsync(BackOfficeDbContext db, Subscription subscription, Message what, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null;
        }
        return new ChargeTurn(subscription.Id, subscription.State, what);
    }

    private void Audit(BackOfficeDbContext db, Subscription subscription, string action, Message details, bool succeeded = true, string actor = Actor) =>
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Subscriptions", action, subscription.Id.ToString(), details, succeeded));
}
