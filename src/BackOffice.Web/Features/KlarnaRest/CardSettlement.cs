using BackOffice.CardAcquirer;
using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.KlarnaRest;

public enum CardSettlementState
{
    /// <summary>Written before Klarna is asked for the cards; the call may still be in flight, or its answer was lost.</summary>
    Requested,

    /// <summary>Klarna issued the cards.</summary>
    Issued,

    /// <summary>Klarna refused or was not reached: no card was issued.</summary>
    Failed,
}

public enum CardChargeState
{
    /// <summary>The card is issued (or about to be) and not charged yet.</summary>
    Awaiting,

    /// <summary>Written before the acquirer is asked to authorize; in flight, or its answer was lost.</summary>
    Authorizing,

    Authorized,

    /// <summary>Written before the acquirer is asked to capture; in flight, or its answer was lost.</summary>
    Capturing,

    Captured,

    /// <summary>The acquirer or the card's issuer declined: nothing was charged.</summary>
    Declined,
}

/// <summary>
/// The settlement of one Klarna order by virtual cards, journaled like every money action: written before Klarna is
/// asked, its answer recorded before anything else; one charge per seller (or one for the whole order), each charged at
/// the merchant's card acquirer in steps that are written before they are sent. A step whose answer was lost is
/// looked up (Klarna's settlement by order, the acquirer's payment by reference), never sent again blindly. Only what
/// the card shows in the clear is kept: brand, holder, last four digits, expiry; never the number or the code.
/// </summary>
public sealed class CardSettlement
{
    private CardSettlement()
    {
    }

    public CardSettlement(Transaction transaction, VirtualCardKey key, bool multiUse, IReadOnlyList<CardCharge> charges, string user, DateTimeOffset at, DateTimeOffset inFlightUntil)
    {
        (TransactionId, ChannelId, KeyRecordId, KlarnaKeyId, OrderId, MultiUse, RequestedBy, RequestedAt, InFlightUntil) =
            (transaction.Id, transaction.ChannelId, key.Id, key.KlarnaKeyId ?? throw new InvalidOperationException("The key is not enrolled."), transaction.Reference, multiUse, user, at, inFlightUntil);
        Charges = [.. charges];
    }

    public Guid Id { get; private set; } = Guid.NewGuid();

    public Guid TransactionId { get; private set; }

    public int ChannelId { get; private set; }

    /// <summary>The channel's key the cards are encrypted for (<see cref="VirtualCardKey"/>), and Klarna's id of it.</summary>
    public int KeyRecordId { get; private set; }

    public string KlarnaKeyId { get; private set; } = "";

    /// <summary>The Klarna order settled.</summary>
    public string OrderId { get; private set; } = "";

    /// <summary>One multi-use card serves every seller, rather than a card each.</summary>
    public bool MultiUse { get; private set; }

    public CardSettlementState State { get; private set; }

    public string RequestedBy { get; private set; } = "";

    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary>After this, Klarna's answer can no longer arrive: a settlement still requested then has an unknown outcome.</summary>
    public DateTimeOffset InFlightUntil { get; private set; }

    public DateTimeOffset? IssuedAt { get; private set; }

    public string? PromiseId { get; private set; }

    /// <summary>Klarna's id of the settlement, by which its cards are read again (encrypted anew) for a charge.</summary>
    public string? KlarnaSettlementId { get; private set; }

    public Message? Failure { get; private set; }

    public List<CardCharge> Charges { get; private set; } = [];

    public long Amount => Charges.Sum(c => c.Amount);

    public bool IsUnknown(DateTimeOffset now) => State == CardSettlementState.Requested && now >= InFlightUntil;

    public void RecordPromise(string promiseId)
    {
        EnsureRequested();
        PromiseId = promiseId;
    }

    /// <summary>Klarna's cards, matched to the charges by the reference each card was promised with.</summary>
    public void Issue(KlarnaCardSettlement settlement, DateTimeOffset at)
    {
        EnsureRequested();
        foreach (var charge in Charges)
        {
            var card = settlement.Cards.FirstOrDefault(c => c.Reference == charge.CardReference)
                ?? (settlement.Cards.Count == 1 && Charges.Count == 1 ? settlement.Cards[0] : null)
                ?? throw new BusinessRuleException("Klarna's settlement has no card for {0}.", charge.CardReference);
            charge.RecordCard(card);
        }
        (State, KlarnaSettlementId, IssuedAt) = (CardSettlementState.Issued, settlement.SettlementId, at);
    }

    public void Fail(Message why)
    {
        EnsureRequested();
        (State, Failure) = (CardSettlementState.Failed, why);
    }

    private void EnsureRequested()
    {
        if (State != CardSettlementState.Requested)
            throw new InvalidOperationException($"Card settlement {Id} is {State}, not requested.");
    }
}

/// <summary>One seller's part of a card settlement (or the whole order's), and its charge at the acquirer.</summary>
public sealed class CardCharge
{
    public const int ReferenceMaxLength = 100;

    private CardCharge()
    {
    }

    public CardCharge(string? seller, string cardReference, long amount, string currency)
    {
        if (amount < 1)
            throw new BusinessRuleException("A card needs an amount above zero.");
        (Seller, CardReference, Amount, Currency) = (seller, cardReference, amount, currency);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();

    public Guid CardSettlementId { get; private set; }

    /// <summary>The marketplace seller paid by this charge; null when one card settles the whole order.</summary>
    public string? Seller { get; private set; }

    /// <summary>The reference the card was promised with (Klarna's <c>reference</c>), which finds it in the settlement.</summary>
    public string CardReference { get; private set; } = "";

    public long Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string? CardId { get; private set; }

    public string? Brand { get; private set; }

    public string? Holder { get; private set; }

    public string? LastFour { get; private set; }

    public int? ExpiryMonth { get; private set; }

    public int? ExpiryYear { get; private set; }

    public CardChargeState State { get; private set; }

    /// <summary>How many authorizations were started; each has its own reference at the acquirer.</summary>
    public int Attempt { get; private set; }

    /// <summary>The acquirer's id of the payment.</summary>
    public string? AcquirerPaymentId { get; private set; }

    public long CapturedAmount { get; private set; }

    public string? DeclineCode { get; private set; }

    /// <summary>Why the last step did not go through (the acquirer refused or was not reached); nothing was charged by it.</summary>
    public Message? LastError { get; private set; }

    /// <summary>After this, the acquirer's answer to the step under way can no longer arrive.</summary>
    public DateTimeOffset? InFlightUntil { get; private set; }

    /// <summary>The merchant's reference of the current authorization at the acquirer, unique per attempt.</summary>
    public string AcquirerReference => $"{Id:N}-{Attempt}";

    public string AuthorizationKey => $"{AcquirerReference}-authorize";

    public string CaptureKey => $"{AcquirerReference}-capture";

    /// <summary>What was refunded on the card, following the order's refunds.</summary>
    public long RefundedAmount { get; private set; }

    /// <summary>The refund on the card under way (written before it is sent), or null.</summary>
    public long? RefundingAmount { get; private set; }

    /// <summary>How many refunds on the card were started; each has its own idempotency key.</summary>
    public int Refunds { get; private set; }

    public string RefundKey => $"{AcquirerReference}-refund-{Refunds}";

    public bool IsUnknown(DateTimeOffset now) =>
        (State is CardChargeState.Authorizing or CardChargeState.Capturing || RefundingAmount is not null) && now >= InFlightUntil;

    /// <summary>The card Klarna issued for this part: it must be in the order's currency and hold at least the part.</summary>
    public void RecordCard(KlarnaVirtualCard card)
    {
        if (!string.Equals(card.Currency, Currency, StringComparison.OrdinalIgnoreCase) || card.Amount < Amount)
            throw new BusinessRuleException("Klarna's card for {0} holds {1}, not its part of {2}.", CardReference, new Amount(card.Amount, card.Currency), new Amount(Amount, Currency));
        (CardId, Brand, Holder) = (card.CardId, card.Brand, card.Holder);
    }

    /// <summary>A new authorization is about to be sent: a new reference and key, written before the call.</summary>
    public void BeginAuthorization(DateTimeOffset inFlightUntil)
    {
        if (State is not (CardChargeState.Awaiting or CardChargeState.Declined) || CardId is null)
            throw new BusinessRuleException("The card of {0} is {1}; it cannot be charged now.", CardReference, State);
        (State, DeclineCode, LastError, InFlightUntil) = (CardChargeState.Authorizing, null, null, inFlightUntil);
        Attempt++;
    }

    /// <summary>The acquirer's answer to the authorization (found by reference when the answer itself was lost).</summary>
    public void RecordAuthorization(AcquirerPayment payment)
    {
        Ensure(CardChargeState.Authorizing);
        (AcquirerPaymentId, LastFour, ExpiryMonth, ExpiryYear, InFlightUntil) = (payment.PaymentId, payment.LastFour, payment.ExpiryMonth, payment.ExpiryYear, null);
        (State, DeclineCode) = payment.Status switch
        {
            AcquirerPaymentStatus.Declined => (CardChargeState.Declined, payment.DeclineCode),
            AcquirerPaymentStatus.Authorized => (CardChargeState.Authorized, null),
            AcquirerPaymentStatus.Captured or AcquirerPaymentStatus.Refunded => (CardChargeState.Captured, null),
            _ => throw new BusinessRuleException("The acquirer answered the payment of {0} as {1}.", CardReference, payment.Status),
        };
        CapturedAmount = payment.CapturedAmount;
    }

    public void BeginCapture(DateTimeOffset inFlightUntil)
    {
        Ensure(CardChargeState.Authorized);
        (State, LastError, InFlightUntil) = (CardChargeState.Capturing, null, inFlightUntil);
    }

    public void RecordCapture(AcquirerPayment payment)
    {
        Ensure(CardChargeState.Capturing);
        if (payment.CapturedAmount < Amount)
            throw new InvalidOperationException($"The acquirer captured {payment.CapturedAmount} of {Amount}.");
        (State, CapturedAmount, InFlightUntil) = (CardChargeState.Captured, payment.CapturedAmount, null);
    }

    /// <summary>A refund on the card is about to be sent, within what was captured and not refunded yet.</summary>
    public void BeginRefund(long amount, DateTimeOffset inFlightUntil)
    {
        Ensure(CardChargeState.Captured);
        if (RefundingAmount is not null || amount < 1 || RefundedAmount + amount > CapturedAmount)
            throw new InvalidOperationException($"Card charge {Id} cannot refund {amount} now.");
        (RefundingAmount, LastError, InFlightUntil) = (amount, null, inFlightUntil);
        Refunds++;
    }

    /// <summary>The acquirer's payment after the refund (looked up when the answer was lost): it shows what was refunded in all.</summary>
    public void RecordRefund(AcquirerPayment payment)
    {
        if (RefundingAmount is not { } amount || payment.RefundedAmount < RefundedAmount + amount)
            throw new InvalidOperationException($"Card charge {Id} has no refund of {RefundingAmount} to take from {payment.RefundedAmount}.");
        (RefundedAmount, RefundingAmount, InFlightUntil) = (payment.RefundedAmount, null, null);
    }

    /// <summary>The step was refused, not sent, or found never to have happened: nothing was charged by it.</summary>
    public void Abandon(Message why)
    {
        if (RefundingAmount is not null)
        {
            (RefundingAmount, LastError, InFlightUntil) = (null, why, null);
            return;
        }
        State = State switch
        {
            CardChargeState.Authorizing => CardChargeState.Awaiting,
            CardChargeState.Capturing => CardChargeState.Authorized,
            _ => throw new InvalidOperationException($"Card charge {Id} has no step under way."),
        };
        (LastError, InFlightUntil) = (why, null);
    }

    private void Ensure(CardChargeState state)
    {
        if (State != state)
            throw new InvalidOperationException($"Card charge {Id} is {State}, not {state}.");
    }
}

internal sealed class CardSettlementConfiguration : IEntityTypeConfiguration<CardSettlement>
{
    public void Configure(EntityTypeBuilder<CardSettlement> settlement)
    {
        settlement.ToTable("CardSettlements");
        settlement.HasOne<Transaction>().WithMany().HasForeignKey(s => s.TransactionId).OnDelete(DeleteBehavior.Cascade);
        // One settlement per order that is not failed, also when two operators settle at once.
        settlement.HasIndex(s => s.TransactionId).IsUnique().HasFilter("\"State\" <> 'Failed'").HasDatabaseName("IX_CardSettlements_OnePerOrder");
        settlement.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
        settlement.Property(s => s.KlarnaKeyId).HasMaxLength(VirtualCardKey.KeyIdMaxLength);
        settlement.Property(s => s.OrderId).HasMaxLength(255);
        settlement.Property(s => s.RequestedBy).HasMaxLength(256);
        settlement.Property(s => s.PromiseId).HasMaxLength(255);
        settlement.Property(s => s.KlarnaSettlementId).HasMaxLength(255);
        settlement.Property(s => s.Failure).HasMaxLength(2000).HasConversion(m => m!.ToJson(), s => Message.FromJson(s));
        settlement.Ignore(s => s.Amount);
        settlement.HasMany(s => s.Charges).WithOne().HasForeignKey(c => c.CardSettlementId).OnDelete(DeleteBehavior.Cascade);
        settlement.Navigation(s => s.Charges).AutoInclude();
    }
}

internal sealed class CardChargeConfiguration : IEntityTypeConfiguration<CardCharge>
{
    public void Configure(EntityTypeBuilder<CardCharge> charge)
    {
        charge.ToTable("CardCharges");
        charge.Property(c => c.Seller).HasMaxLength(MarketplaceSeller.NameMaxLength);
        charge.Property(c => c.CardReference).HasMaxLength(CardCharge.ReferenceMaxLength);
        charge.Property(c => c.Currency).HasMaxLength(3);
        charge.Property(c => c.CardId).HasMaxLength(255);
        charge.Property(c => c.Brand).HasMaxLength(40);
        charge.Property(c => c.Holder).HasMaxLength(200);
        charge.Property(c => c.LastFour).HasMaxLength(4);
        charge.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
        charge.Property(c => c.AcquirerPaymentId).HasMaxLength(255);
        charge.Property(c => c.DeclineCode).HasMaxLength(100);
        charge.Property(c => c.LastError).HasMaxLength(2000).HasConversion(m => m!.ToJson(), s => Message.FromJson(s));
        charge.Ignore(c => c.AcquirerReference).Ignore(c => c.AuthorizationKey).Ignore(c => c.CaptureKey).Ignore(c => c.RefundKey);
    }
}
