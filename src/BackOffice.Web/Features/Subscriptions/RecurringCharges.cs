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
            planName = await db.PlanVersions.Where(v => v.Id == subscription.PackageVersionId)
                .Join(db.SubscriptionPlans, v => v.PlanId, p => p.Id, (_, p) => p.Name).SingleAsync(cancellationToken);
            var open = await db.SubscriptionCharges.SingleOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.Period == subscription.NextPeriod
                && (c.State == SubscriptionChargeState.Sending || c.State == SubscriptionChargeState.Unknown), cancellationToken);
            if (open is null)
            {
                charge = new SubscriptionCharge(subscription, now);
                db.SubscriptionCharges.Add(charge);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    return null;
                }
            }
            else
                charge = open;
        }

        var outcome = await payments.ChargeAsync(new TokenCharge(subscription.ChannelId, subscription.CustomerToken, charge.OrderNumber, planName, charge.Amount,
            charge.Currency, subscription.Country, subscription.VatPercent, subscription.Interval, subscription.IntervalCount, charge.IdempotencyKey), cancellationToken);
        return await SettleAsync(charge.Id, outcome);
    }

    private async Task<ChargeTurn?> SettleAsync(Guid chargeId, TokenChargeOutcome outcome)
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
                Audit(db, subscription, "Charge", paid);
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
                await db.SaveChangesAsync();
                return new ChargeTurn(subscription.Id, subscription.State, new Message("Period {0}: the answer did not arrive ({1}); it is asked again with the same key.", charge.Period + 1, problem), Failed: true);
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

    private static async Task<ChargeTurn> SaveAsync(BackOfficeDbContext db, Subscription subscription, Message what, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        return new ChargeTurn(subscription.Id, subscription.State, what);
    }

    private void Audit(BackOfficeDbContext db, Subscription subscription, string action, Message details, bool succeeded = true) =>
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), Actor, "Subscriptions", action, subscription.Id.ToString(), details, succeeded));
}
