using System.Security.Claims;
using System.Security.Cryptography;
using BackOffice.CardAcquirer;
using BackOffice.KlarnaRest;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.CardAcquiring;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>How the operator has Klarna's cards settle an order.</summary>
public enum CardSplit
{
    WholeOrder,
    PerSeller,
    MultiUse,
}

/// <summary>One seller's part of an order: the sum of its lines.</summary>
public sealed record SellerPart(string Seller, long Amount);

/// <summary>How an order may be settled by virtual cards: whole, or per seller when every line has one; or why not at all.</summary>
public sealed record CardSettlementPlan(Message? Refusal, long Amount, string Currency, IReadOnlyList<SellerPart> Sellers, Message? NoSellerSplit);

public sealed record CardChargeView(Guid Id, string? Seller, long Amount, string Currency, CardChargeState State, bool Unknown, string? Brand, string? Holder,
    string? LastFour, int? ExpiryMonth, int? ExpiryYear, string? AcquirerPaymentId, long CapturedAmount, long RefundedAmount, string? DeclineCode, Message? LastError);

/// <param name="RefundsDue">What the order's refunds left to refund on the cards (carrying the settlement on refunds it).</param>
public sealed record CardSettlementView(Guid Id, CardSettlementState State, bool Unknown, bool MultiUse, DateTimeOffset RequestedAt, string RequestedBy,
    Message? Failure, IReadOnlyList<CardChargeView> Charges, long RefundsDue)
{
    public static CardSettlementView Of(CardSettlement settlement, long orderRefunded, DateTimeOffset now) => new(settlement.Id, settlement.State, settlement.IsUnknown(now),
        settlement.MultiUse, settlement.RequestedAt, settlement.RequestedBy, settlement.Failure, [.. settlement.Charges.OrderBy(c => c.Seller).Select(c => new CardChargeView(c.Id, c.Seller,
            c.Amount, c.Currency, c.State, c.IsUnknown(now), c.Brand, c.Holder, c.LastFour, c.ExpiryMonth, c.ExpiryYear, c.AcquirerPaymentId, c.CapturedAmount, c.RefundedAmount,
            c.DeclineCode, c.LastError))],
        settlement.State == CardSettlementState.Issued ? Math.Max(0, orderRefunded - settlement.Charges.Sum(c => c.RefundedAmount + (c.RefundingAmount ?? 0))) : 0);
}

/// <summary>
/// Settles a captured Klarna order by virtual cards (Klarna's Merchant Card Service) and charges them at the merchant's
/// card acquirer: cards promised per seller (or one for the order, or one multi-use card for every seller), the
/// settlement asked for with the channel's default key, each card decrypted in memory only for its charge, authorized
/// and captured. Every step is written before it is sent; a step whose answer was lost is looked up — Klarna's
/// settlement by order, the acquirer's payment by reference — and only sent again under its own idempotency key.
/// </summary>
public sealed partial class CardSettlements(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    KlarnaRestConnections connections,
    VirtualCardKeys keys,
    CardAcquirers acquirers,
    IOptions<KlarnaRestOptions> options,
    TimeProvider time,
    ILogger<CardSettlements> logger)
{
    private const string WholeOrder = "order";
    private const string EverySeller = "all";

    private TimeSpan KlarnaInFlight => options.Value.Timeout + TimeSpan.FromSeconds(30);

    /// <summary>The order's settlement, the one in force before any that failed.</summary>
    public async Task<CardSettlementView?> FindAsync(Guid transactionId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var settlement = await db.CardSettlements.AsNoTracking().Where(s => s.TransactionId == transactionId)
            .OrderBy(s => s.State == CardSettlementState.Failed).ThenByDescending(s => s.RequestedAt).FirstOrDefaultAsync(cancellationToken);
        if (settlement is null)
            return null;
        var refunded = await db.Transactions.Where(t => t.Id == transactionId).Select(t => t.RefundedAmount).SingleAsync(cancellationToken);
        return CardSettlementView.Of(settlement, refunded, time.GetUtcNow());
    }

    public async Task<CardSettlementPlan> PlanAsync(Guid transactionId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId, cancellationToken)
            ?? throw new BusinessRuleException("There is no such transaction.");
        return await PlanAsync(db, transaction, cancellationToken);
    }

    public async Task<CardSettlementView> SettleAsync(ClaimsPrincipal user, Guid transactionId, bool perSeller, bool multiUse, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId, cancellationToken)
            ?? throw new BusinessRuleException("There is no such transaction.");
        var plan = await PlanAsync(db, transaction, cancellationToken);
        if (plan.Refusal is { } refusal)
            throw new BusinessRuleException(refusal);
        if (perSeller && plan.NoSellerSplit is { } noSplit)
            throw new BusinessRuleException(noSplit);
        var key = await db.VirtualCardKeys.AsNoTracking().SingleOrDefaultAsync(k => k.ChannelId == transaction.ChannelId && k.IsDefault, cancellationToken)
            ?? throw new BusinessRuleException("The channel has no key for virtual cards; an administrator generates one and enters the key ID Klarna gives for it.");
        if (!acquirers.IsConfigured)
            throw new BusinessRuleException("No card acquirer is set up (CardAcquirer:BaseUrl and CardAcquirer:ApiKey).");

        List<CardCharge> charges = perSeller
            ? [.. plan.Sellers.Select(p => new CardCharge(p.Seller, multiUse ? EverySeller : p.Seller, p.Amount, plan.Currency))]
            : [new CardCharge(null, WholeOrder, plan.Amount, plan.Currency)];
        var now = time.GetUtcNow();
        var settlement = new CardSettlement(transaction, key, perSeller && multiUse, charges, user.Name(), now, now + KlarnaInFlight);
        db.CardSettlements.Add(settlement);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new BusinessRuleException("This order is settled by virtual cards already.");
        }

        var client = connections.Client();
        var credentials = await connections.ForAsync(transaction);
        try
        {
            IReadOnlyList<KlarnaCardSpecification> cards = settlement.MultiUse
                ? [new(settlement.Amount, plan.Currency, EverySeller)]
                : [.. charges.Select(c => new KlarnaCardSpecification(c.Amount, plan.Currency, c.CardReference))];
            var promise = await client.CreateCardPromiseAsync(credentials, new KlarnaCardPromiseRequest(settlement.OrderId, cards), cancellationToken);
            settlement.RecordPromise(promise.PromiseId);
            await db.SaveChangesAsync(cancellationToken);
            var issued = await client.CreateCardSettlementAsync(credentials, new KlarnaCardSettlementRequest(settlement.OrderId, settlement.KlarnaKeyId, promise.PromiseId), cancellationToken);
            settlement.Issue(issued, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await ChargeAsync(db, settlement, issued, key, retryDeclined: false, cancellationToken);
        }
        catch (KlarnaRestRefusedException e)
        {
            settlement.Fail(new Message("Klarna refused the settlement: {0} ({1}); no card was issued.", e.Error.Text, e.Error.ErrorCode));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (KlarnaRestUnavailableException e)
        {
            settlement.Fail(new Message("Klarna could not be reached; no card was issued: {0}", e.Message));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (KlarnaRestOutcomeUnknownException)
        {
            // Never asked for again: the settlement is read back by order, now or once its answer can no longer arrive.
            await ReadBackAsync(db, client, credentials, settlement, key, cancellationToken);
        }
        Audit(db, user.Name(), transaction, settlement);
        await db.SaveChangesAsync(CancellationToken.None);
        LogSettlement(settlement.Id, settlement.OrderId, settlement.State.ToString(), settlement.Charges.Count(c => c.State == CardChargeState.Captured), settlement.Charges.Count);
        return CardSettlementView.Of(settlement, transaction.RefundedAmount, time.GetUtcNow());
    }

    /// <summary>
    /// Carries a settlement on: looks up what was lost (Klarna's settlement, once its answer can no longer arrive; each
    /// charge whose answer was lost, at the acquirer), charges the cards not charged yet, captures what is authorized and
    /// refunds on the cards what the order's refunds left to refund.
    /// </summary>
    public async Task<CardSettlementView> ContinueAsync(ClaimsPrincipal user, Guid transactionId, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        return (await CarryOnAsync(user.Name(), transactionId, retryDeclined: true, cancellationToken)).View;
    }

    /// <summary>
    /// The settlements with something to do that needs no one's decision: a settlement whose answer was lost and can no
    /// longer arrive, a charge whose answer was lost or that never reached the acquirer, a capture not made, a refund of
    /// the order not yet followed on the cards.
    /// </summary>
    public async Task<IReadOnlyList<(Guid TransactionId, string OrderNumber)>> DueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var due = await (from s in db.CardSettlements
                         join t in db.Transactions on s.TransactionId equals t.Id
                         where s.State == CardSettlementState.Requested && s.InFlightUntil <= now
                             || s.State == CardSettlementState.Issued
                                 && (s.Charges.Any(c => c.State == CardChargeState.Awaiting || c.State == CardChargeState.Authorized
                                         || (c.State == CardChargeState.Authorizing || c.State == CardChargeState.Capturing || c.RefundingAmount != null) && c.InFlightUntil <= now)
                                     || t.RefundedAmount > s.Charges.Sum(c => c.RefundedAmount))
                         select new { t.Id, t.OrderNumber }).ToListAsync(cancellationToken);
        return [.. due.Select(d => (d.Id, d.OrderNumber))];
    }

    /// <summary>
    /// Carries a settlement on for <paramref name="actor"/> (an operator, or a job): looks up what was lost (Klarna's
    /// settlement, once its answer can no longer arrive; each charge whose answer was lost, at the acquirer), charges the
    /// cards not charged yet (a declined one only when <paramref name="retryDeclined"/>), captures what is authorized and
    /// refunds on the cards what the order's refunds left to refund. Answers whether anything changed.
    /// </summary>
    public async Task<(CardSettlementView View, bool Changed)> CarryOnAsync(string actor, Guid transactionId, bool retryDeclined, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var transaction = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == transactionId, cancellationToken)
            ?? throw new BusinessRuleException("There is no such transaction.");
        var settlement = await db.CardSettlements.SingleOrDefaultAsync(s => s.TransactionId == transactionId && s.State != CardSettlementState.Failed, cancellationToken)
            ?? throw new BusinessRuleException("This order has no settlement by virtual cards to carry on.");
        var before = Snapshot(settlement);
        var key = await db.VirtualCardKeys.AsNoTracking().SingleAsync(k => k.Id == settlement.KeyRecordId, cancellationToken);
        var client = connections.Client();
        var credentials = await connections.ForAsync(transaction);
        var now = time.GetUtcNow();
        if (settlement.State == CardSettlementState.Requested)
        {
            if (!settlement.IsUnknown(now))
                throw new BusinessRuleException("Klarna's answer may still arrive until {0}; look again then.", settlement.InFlightUntil);
            await ReadBackAsync(db, client, credentials, settlement, key, cancellationToken, final: true);
        }
        else
        {
            var acquirer = acquirers.Acquirer();
            foreach (var charge in settlement.Charges.Where(c => c.IsUnknown(now)))
                await LookUpAsync(acquirer, charge, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (settlement.Charges.Any(c => c.State is CardChargeState.Awaiting or CardChargeState.Authorized || retryDeclined && c.State == CardChargeState.Declined))
            {
                var cards = await ReadCardsAsync(client, credentials, settlement, cancellationToken);
                await ChargeAsync(db, settlement, cards, key, retryDeclined, cancellationToken);
            }
            await FollowRefundsAsync(db, acquirer, settlement, transaction, cancellationToken);
        }
        var changed = Snapshot(settlement) != before;
        if (changed)
            Audit(db, actor, transaction, settlement);
        await db.SaveChangesAsync(CancellationToken.None);
        return (CardSettlementView.Of(settlement, transaction.RefundedAmount, time.GetUtcNow()), changed);
    }

    /// <summary>What a carry-on may change: the settlement's state and each charge's state and amounts.</summary>
    private static string Snapshot(CardSettlement settlement) =>
        string.Join(";", settlement.Charges.OrderBy(c => c.Id).Select(c => $"{c.State}/{c.CapturedAmount}/{c.RefundedAmount}/{c.RefundingAmount}/{c.Attempt}").Prepend(settlement.State.ToString()));

    private async Task<CardSettlementPlan> PlanAsync(BackOfficeDbContext db, Transaction transaction, CancellationToken cancellationToken)
    {
        var amount = transaction.CapturedAmount - transaction.RefundedAmount;
        var refusal = transaction.Service != KlarnaRestModule.KlarnaPaymentsDirect ? new Message("Only an order of Klarna Payments (direct) can be settled by virtual cards.")
            : transaction.State != TransactionState.Captured || transaction.RefundedAmount > 0 ? new Message("Only a captured order with nothing refunded can be settled by virtual cards.")
            : transaction.ActiveOperationId is not null ? new Message("Another action on this order is under way; wait for it to end.")
            : null;
        var sellers = await db.MarketplaceSellers.AsNoTracking().Where(s => s.ChannelId == transaction.ChannelId).ToListAsync(cancellationToken);
        if (sellers.Count == 0)
            return new CardSettlementPlan(refusal, amount, transaction.Currency, [], new Message("The channel names no marketplace sellers."));
        var parts = transaction.Lines.Where(l => l.Quantity > 0).GroupBy(l => MarketplaceSeller.Of(l.ArticleNumber, sellers)?.Name).ToList();
        if (parts.FirstOrDefault(p => p.Key is null) is { } unowned)
            return new CardSettlementPlan(refusal, amount, transaction.Currency, [], new Message("The line {0} belongs to no seller of the channel.", unowned.First().ArticleNumber));
        List<SellerPart> split = [.. parts.Select(p => new SellerPart(p.Key!, p.Sum(l => l.Quantity * l.UnitPrice))).OrderBy(p => p.Seller, StringComparer.Ordinal)];
        return split.Sum(p => p.Amount) == amount
            ? new CardSettlementPlan(refusal, amount, transaction.Currency, split, null)
            : new CardSettlementPlan(refusal, amount, transaction.Currency, [], new Message("The sellers' lines add up to {0}, not the {1} captured; settle the order with one card.",
                new Amount(split.Sum(p => p.Amount), transaction.Currency), new Amount(amount, transaction.Currency)));
    }

    /// <summary>Reads the settlement back by order after its answer was lost; <paramref name="final"/> once that answer can no longer arrive.</summary>
    private async Task ReadBackAsync(BackOfficeDbContext db, KlarnaRestClient client, KlarnaRestCredentials credentials, CardSettlement settlement, VirtualCardKey key,
        CancellationToken cancellationToken, bool final = false)
    {
        try
        {
            var issued = await client.GetCardSettlementByOrderAsync(credentials, settlement.OrderId, settlement.KlarnaKeyId, cancellationToken);
            settlement.Issue(issued, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await ChargeAsync(db, settlement, issued, key, retryDeclined: false, cancellationToken);
        }
        catch (KlarnaRestRefusedException e) when (e.Status == 404 && final)
        {
            settlement.Fail(new Message("Klarna has no settlement for the order: the request whose answer was lost was never carried out; no card was issued."));
        }
        catch (KlarnaRestException) when (!final)
        {
            // Not found yet, or not reached: the answer may still arrive; carrying on later reads it back again.
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna's settlement of the order could not be read: {0}", e.Message);
        }
    }

    private static async Task<KlarnaCardSettlement> ReadCardsAsync(KlarnaRestClient client, KlarnaRestCredentials credentials, CardSettlement settlement, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetCardSettlementAsync(credentials, settlement.KlarnaSettlementId!, settlement.KlarnaKeyId, cancellationToken);
        }
        catch (KlarnaRestException e)
        {
            throw new BusinessRuleException("Klarna's cards for the order could not be read: {0}", e.Message);
        }
    }

    /// <summary>
    /// Authorizes each card not charged yet (a declined one again, under a new reference, when the operator carries the
    /// settlement on), then captures each authorized one; every step written before it is sent.
    /// </summary>
    private async Task ChargeAsync(BackOfficeDbContext db, CardSettlement settlement, KlarnaCardSettlement cards, VirtualCardKey key, bool retryDeclined, CancellationToken cancellationToken)
    {
        var acquirer = acquirers.Acquirer();
        using (var privateKey = keys.Open(key))
        {
            foreach (var charge in settlement.Charges.Where(c => c.State == CardChargeState.Awaiting || retryDeclined && c.State == CardChargeState.Declined))
                await AuthorizeAsync(db, acquirer, charge, cards.Cards.First(c => c.CardId == charge.CardId), privateKey, cancellationToken);
        }
        foreach (var charge in settlement.Charges.Where(c => c.State == CardChargeState.Authorized))
        {
            charge.BeginCapture(time.GetUtcNow() + acquirers.InFlight);
            await db.SaveChangesAsync(cancellationToken);
            try
            {
                charge.RecordCapture(await acquirer.CaptureAsync(charge.AcquirerPaymentId!, charge.Amount, charge.CaptureKey, cancellationToken));
            }
            catch (Exception e) when (e is AcquirerRefusedException or AcquirerUnavailableException)
            {
                charge.Abandon(new Message("The acquirer did not capture: {0}", e.Message));
            }
            catch (AcquirerOutcomeUnknownException)
            {
                // Looked up once the answer can no longer arrive (carry the settlement on).
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    private async Task AuthorizeAsync(BackOfficeDbContext db, ICardAcquirer acquirer, CardCharge charge, KlarnaVirtualCard card, RSA privateKey, CancellationToken cancellationToken)
    {
        VirtualCardData data;
        try
        {
            data = KlarnaCardCrypto.Decrypt(card, privateKey);
        }
        catch (KlarnaCardDataException e)
        {
            throw new BusinessRuleException("The card of {0} cannot be read: {1}", charge.CardReference, e.Message);
        }
        using (data)
        {
            charge.BeginAuthorization(time.GetUtcNow() + acquirers.InFlight);
            await db.SaveChangesAsync(cancellationToken);
            try
            {
                var payment = await acquirer.AuthorizeAsync(new AcquirerCharge(charge.AcquirerReference, charge.Amount, charge.Currency),
                    new CardToCharge(data.Pan, data.Cvv, data.ExpiryMonth, data.ExpiryYear, card.Holder), charge.AuthorizationKey, cancellationToken);
                charge.RecordAuthorization(payment);
            }
            catch (Exception e) when (e is AcquirerRefusedException or AcquirerUnavailableException)
            {
                charge.Abandon(new Message("The acquirer did not authorize: {0}", e.Message));
            }
            catch (AcquirerOutcomeUnknownException)
            {
                await LookUpAsync(acquirer, charge, cancellationToken, final: false);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Refunds on the cards what the order's refunds left to refund: a refund of a seller's lines on that seller's card,
    /// one by amount spread over the cards by their parts. Each refund is written before it is sent, under its own key.
    /// </summary>
    private async Task FollowRefundsAsync(BackOfficeDbContext db, ICardAcquirer acquirer, CardSettlement settlement, Transaction transaction, CancellationToken cancellationToken)
    {
        if (transaction.RefundedAmount == 0)
            return;
        var targets = await RefundTargetsAsync(db, settlement, transaction, cancellationToken);
        foreach (var charge in settlement.Charges.Where(c => c.State == CardChargeState.Captured && c.RefundingAmount is null))
        {
            var due = Math.Min(targets[charge.Id], charge.CapturedAmount) - charge.RefundedAmount;
            if (due <= 0)
                continue;
            charge.BeginRefund(due, time.GetUtcNow() + acquirers.InFlight);
            await db.SaveChangesAsync(cancellationToken);
            try
            {
                charge.RecordRefund(await acquirer.RefundAsync(charge.AcquirerPaymentId!, due, charge.RefundKey, cancellationToken));
            }
            catch (Exception e) when (e is AcquirerRefusedException or AcquirerUnavailableException)
            {
                charge.Abandon(new Message("The acquirer did not refund: {0}", e.Message));
            }
            catch (AcquirerOutcomeUnknownException)
            {
                await LookUpAsync(acquirer, charge, cancellationToken, final: false);
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    /// <summary>What each card is to have refunded in all, from the order's refunds that succeeded.</summary>
    private static async Task<Dictionary<Guid, long>> RefundTargetsAsync(BackOfficeDbContext db, CardSettlement settlement, Transaction transaction, CancellationToken cancellationToken)
    {
        var charges = settlement.Charges;
        if (charges.Count == 1)
            return new() { [charges[0].Id] = transaction.RefundedAmount };
        var refunds = await db.Operations.AsNoTracking()
            .Where(o => o.TransactionId == transaction.Id && o.Kind == OperationKind.Refund && o.State == OperationState.Succeeded).ToListAsync(cancellationToken);
        var sellers = await db.MarketplaceSellers.AsNoTracking().Where(s => s.ChannelId == transaction.ChannelId).ToListAsync(cancellationToken);
        var targets = charges.ToDictionary(c => c.Id, _ => 0L);
        foreach (var refund in refunds)
        {
            var amount = refund.Amount ?? 0;
            var byLines = refund.Articles.Select(a => (Seller: MarketplaceSeller.Of(a.ArticleNumber, sellers)?.Name,
                Amount: a.Quantity * (transaction.Lines.FirstOrDefault(l => l.ArticleNumber == a.ArticleNumber)?.UnitPrice ?? 0))).ToList();
            if (byLines.Count > 0 && byLines.Sum(l => l.Amount) == amount && byLines.All(l => charges.Any(c => c.Seller == l.Seller)))
            {
                foreach (var line in byLines)
                    targets[charges.First(c => c.Seller == line.Seller).Id] += line.Amount;
                continue;
            }
            // By amount: each card its share of what is left on it, the cents over to the largest remainders.
            var room = charges.ToDictionary(c => c.Id, c => Math.Max(0, c.Amount - targets[c.Id]));
            var total = room.Values.Sum();
            if (total == 0)
                continue;
            amount = Math.Min(amount, total);
            var shares = charges.Select(c => (c.Id, Share: amount * room[c.Id] / total, Remainder: amount * room[c.Id] % total)).ToList();
            var left = amount - shares.Sum(x => x.Share);
            foreach (var (id, share, _) in shares.OrderByDescending(x => x.Remainder).ThenBy(x => x.Id))
                targets[id] += share + (left-- > 0 ? 1 : 0);
        }
        return targets;
    }

    /// <summary>
    /// Finds out what became of a step whose answer was lost: the authorization by its reference, a capture or a refund
    /// on its payment. Before its answer can no longer arrive (<paramref name="final"/> false), only what is found is taken.
    /// </summary>
    private static async Task LookUpAsync(ICardAcquirer acquirer, CardCharge charge, CancellationToken cancellationToken, bool final = true)
    {
        try
        {
            if (charge.RefundingAmount is { } refunding)
            {
                var payment = await acquirer.GetAsync(charge.AcquirerPaymentId!, cancellationToken);
                if (payment.RefundedAmount >= charge.RefundedAmount + refunding)
                    charge.RecordRefund(payment);
                else if (final)
                    charge.Abandon(new Message("The acquirer did not refund the card whose refund answer was lost."));
            }
            else if (charge.State == CardChargeState.Authorizing)
            {
                if (await acquirer.FindAsync(charge.AcquirerReference, cancellationToken) is { } payment)
                    charge.RecordAuthorization(payment);
                else if (final)
                    charge.Abandon(new Message("The acquirer has no payment for the authorization whose answer was lost: nothing was charged."));
            }
            else if (await acquirer.GetAsync(charge.AcquirerPaymentId!, cancellationToken) is { } payment && payment.CapturedAmount >= charge.Amount)
            {
                charge.RecordCapture(payment);
            }
            else if (final)
            {
                charge.Abandon(new Message("The acquirer did not capture the payment whose capture answer was lost."));
            }
        }
        catch (AcquirerException) when (!final)
        {
            // Not reached: the lookup is made again when the settlement is carried on.
        }
    }

    private void Audit(BackOfficeDbContext db, string actor, Transaction transaction, CardSettlement settlement)
    {
        var captured = settlement.Charges.Where(c => c.State == CardChargeState.Captured).Sum(c => c.Amount);
        var details = settlement.State switch
        {
            CardSettlementState.Failed => settlement.Failure!,
            CardSettlementState.Requested => new Message("Klarna's answer was lost; the settlement is read back by order, never asked for again."),
            _ => new Message("{0} of {1} captured on {2} virtual card charges.", new Amount(captured, transaction.Currency), new Amount(settlement.Amount, transaction.Currency), settlement.Charges.Count),
        };
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), actor, "Transactions", "Settlement by virtual card", $"{transaction.OrderNumber} ({transaction.Reference})", details,
            settlement.State != CardSettlementState.Failed && settlement.Charges.All(c => c.State is not CardChargeState.Declined)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Card settlement {Settlement} of order {OrderId}: {State}, {Captured} of {Charges} charges captured")]
    private partial void LogSettlement(Guid settlement, string orderId, string state, int captured, int charges);
}
