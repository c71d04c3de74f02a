using System.Globalization;
using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// What an order read back from Klarna says that its transaction's books have not taken yet, other than money actions:
/// the fraud decision on a pending order (ACCEPTED → Authorized, REJECTED or STOPPED → Denied), the authorization's
/// expiry (EXPIRED: what was not captured is released), or a later expiry date (the time was extended at Klarna).
/// </summary>
public static class KlarnaOrderNews
{
    /// <summary>Whether <see cref="Apply"/> would change the books.</summary>
    public static bool Any(KlarnaOrder order, Transaction books) =>
        books.State == TransactionState.Pending && Decision(order) is not null || Expired(order, books) || Extended(order, books);

    /// <summary>Applies the news to the books and to the status step; answers the change in words, or null.</summary>
    public static Message? Apply(KlarnaOrder order, Transaction books, Operation step, DateTimeOffset now)
    {
        var before = books.State;
        if (books.State == TransactionState.Pending && Decision(order) is { } decision)
        {
            books.ApplyStatus(decision, now);
            step.Succeed(now, detail: new Message("Klarna's fraud decision: {0}", order.FraudStatus ?? ""));
        }
        else if (Expired(order, books))
        {
            books.Release(books.Reference, expired: true);
            step.Succeed(now, detail: new Message("Klarna's authorization expired; what was not captured is released"));
        }
        else if (Extended(order, books))
        {
            var until = order.ExpiresAt!.Value;
            books.ExtendExpiry(until);
            var extended = new Message("Klarna holds the authorization until {0} UTC", until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            step.Succeed(now, detail: extended);
            return extended;
        }
        else
        {
            step.Succeed(now, detail: new Message("Klarna: {0}", order.Status));
            return null;
        }
        return books.State != before ? new Message("{0} → {1}", before, books.State) : null;
    }

    private static AuthorizationStatus? Decision(KlarnaOrder order) => order.FraudStatus switch
    {
        KlarnaFraudStatus.Accepted => AuthorizationStatus.Accepted,
        KlarnaFraudStatus.Rejected or KlarnaFraudStatus.Stopped => AuthorizationStatus.Denied,
        _ => null,
    };

    private static bool Expired(KlarnaOrder order, Transaction books) =>
        order.Status == KlarnaOrderStatus.Expired && (books.IsOpen || books.State == TransactionState.Pending);

    /// <summary>By a second at least: the books keep times less precisely than Klarna writes them.</summary>
    private static bool Extended(KlarnaOrder order, Transaction books) => books.IsOpen && order.ExpiresAt is { } until && until - books.ExpiresAt >= TimeSpan.FromSeconds(1);
}
