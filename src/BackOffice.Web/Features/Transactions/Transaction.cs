using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;

namespace BackOffice.Web.Features.Transactions;

public enum TransactionState
{
    Pending,
    Authorized,
    PartCaptured,
    Captured,
    PartRefunded,
    Refunded,
    Cancelled,
    Denied,
    Expired,
}

public sealed record TransactionLine(string ArticleNumber, string Title, int Quantity, long UnitPrice, decimal VatPercent, GoodsFlags Flags, int CapturedQuantity = 0)
{
    public long Total => checked(Quantity * UnitPrice);

    public int UncapturedQuantity => Quantity - CapturedQuantity;
}

public sealed record TransactionAddress(
    string FirstName, string LastName, string Company, string Street, string HouseNumber, string PostalCode, string City, string Country,
    string Email, string Phone);

public sealed record TransactionCustomer(string Name, string Email, string MaskedPersonalNumber)
{
    /// <summary>Only the last four digits of a personal number are kept.</summary>
    public static string Mask(string personalNumber) =>
        personalNumber.Length <= 4 ? new string('•', personalNumber.Length) : new string('•', personalNumber.Length - 4) + personalNumber[^4..];
}

/// <summary>
/// One Klarna reservation for one order. Amounts are minor units: <see cref="ReservedAmount"/> is the reservation's
/// current total (the authorized amount, lowered by reductions), of which <see cref="CapturedAmount"/> was captured
/// and, of that, <see cref="RefundedAmount"/> refunded. State changes only through the methods below, which refuse
/// any move DESIGN.md §2 does not allow. It keeps the channel, service, merchant and environment it was made with.
/// </summary>
public sealed class Transaction
{
    private Transaction()
    {
    }

    public Transaction(
        int channelId, ServiceKind service, KlarnaEnvironment environment, int merchantId, string orderNumber, string reservationNumber,
        OrderStatus status, string currency, string country, long amount, IReadOnlyList<TransactionLine> lines,
        TransactionCustomer customer, TransactionAddress billingAddress, TransactionAddress shippingAddress,
        DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        if (amount <= 0)
            throw new BusinessRuleException("A reservation is for more than nothing.");
        if (lines.Count == 0 || lines.Sum(l => l.Total) != amount)
            throw new BusinessRuleException("The order lines must add up to the amount.");
        (ChannelId, Service, Environment, MerchantId, OrderNumber, ReservationNumber) = (channelId, service, environment, merchantId, orderNumber, reservationNumber);
        (Currency, Country, AuthorizedAmount, ReservedAmount, Lines) = (currency, country, amount, amount, [.. lines]);
        (Customer, BillingAddress, ShippingAddress, CreatedAt, ExpiresAt) = (customer, billingAddress, shippingAddress, createdAt, expiresAt);
        State = status switch
        {
            OrderStatus.Accepted => TransactionState.Authorized,
            OrderStatus.Pending => TransactionState.Pending,
            _ => TransactionState.Denied,
        };
        if (State == TransactionState.Authorized)
            AuthorizedAt = createdAt;
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public ServiceKind Service { get; private set; }
    public KlarnaEnvironment Environment { get; private set; }
    public int MerchantId { get; private set; }
    public string OrderNumber { get; private set; } = "";
    public string ReservationNumber { get; private set; } = "";
    public string Currency { get; private set; } = "";
    public string Country { get; private set; } = "";
    public TransactionState State { get; private set; }
    public long AuthorizedAmount { get; private set; }
    public long ReservedAmount { get; private set; }
    public long CapturedAmount { get; private set; }
    public long RefundedAmount { get; private set; }
    public List<TransactionLine> Lines { get; private set; } = [];
    public TransactionCustomer Customer { get; private set; } = null!;
    public TransactionAddress BillingAddress { get; private set; } = null!;
    public TransactionAddress ShippingAddress { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? AuthorizedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the status job last asked Klarna about this transaction, and what it heard.</summary>
    public DateTimeOffset? LastPolledAt { get; private set; }

    public string? LastPollResult { get; private set; }

    /// <summary>The money action under way (or of unknown outcome): while set, no other may start.</summary>
    public Guid? ActiveOperationId { get; private set; }

    /// <summary>Changes with every state change: two users acting at once cannot both succeed (optimistic concurrency).</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    /// <summary>What can still be captured.</summary>
    public long RemainingAmount => State is TransactionState.Authorized or TransactionState.PartCaptured ? ReservedAmount - CapturedAmount : 0;

    /// <summary>What can still be refunded.</summary>
    public long RefundableAmount => CapturedAmount - RefundedAmount;

    public bool IsTerminal => State is TransactionState.Refunded or TransactionState.Cancelled or TransactionState.Denied or TransactionState.Expired;

    public bool CanCapture => State is TransactionState.Authorized or TransactionState.PartCaptured;

    public bool CanReduce => State == TransactionState.Authorized && ReservedAmount > 1;

    public bool CanCancel => State is TransactionState.Authorized or TransactionState.PartCaptured;

    public bool CanRefund => State is (TransactionState.PartCaptured or TransactionState.Captured or TransactionState.PartRefunded) && RefundableAmount > 0;

    /// <summary>Why an amount cannot be captured, or null.</summary>
    public string? CaptureError(long amount) =>
        !CanCapture ? $"A {State} transaction cannot be captured."
        : amount <= 0 ? "Capture more than nothing."
        : amount > RemainingAmount ? $"At most {RemainingAmount} can be captured."
        : null;

    public string? ReduceError(long newReservedAmount) =>
        !CanReduce ? $"A {State} transaction cannot be reduced."
        : newReservedAmount <= 0 ? "The new amount must be more than nothing; cancel instead."
        : newReservedAmount >= ReservedAmount ? $"The new amount must be below the reserved {ReservedAmount}; a reservation is never raised."
        : null;

    public string? RefundError(long amount) =>
        !CanRefund ? $"A {State} transaction has nothing to refund."
        : amount <= 0 ? "Refund more than nothing."
        : amount > RefundableAmount ? $"At most {RefundableAmount} can be refunded."
        : null;

    /// <summary>The amount of capturing these line quantities, or why it cannot be done.</summary>
    public (long Amount, string? Error) LineCapture(IReadOnlyList<ArticleQuantity> articles)
    {
        long amount = 0;
        foreach (var article in articles)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == article.ArticleNumber);
            if (line is null)
                return (0, $"Article {article.ArticleNumber} is not on this order.");
            if (article.Quantity <= 0 || article.Quantity > line.UncapturedQuantity)
                return (0, $"At most {line.UncapturedQuantity} of {article.ArticleNumber} can be captured.");
            amount = checked(amount + article.Quantity * line.UnitPrice);
        }
        return articles.Count == 0 ? (0, "Choose what to capture.") : (amount, CaptureError(amount));
    }

    /// <summary>Captures an amount; <paramref name="articles"/> says which lines it covered, when it was by lines.</summary>
    public void Capture(long amount, IReadOnlyList<ArticleQuantity>? articles = null)
    {
        Guard(CaptureError(amount));
        if (articles is { Count: > 0 })
            Lines = [.. Lines.Select(l => l with { CapturedQuantity = l.CapturedQuantity + articles.Where(a => a.ArticleNumber == l.ArticleNumber).Sum(a => a.Quantity) })];
        CapturedAmount = checked(CapturedAmount + amount);
        Move(CapturedAmount == ReservedAmount ? TransactionState.Captured : TransactionState.PartCaptured);
    }

    public void Reduce(long newReservedAmount)
    {
        Guard(ReduceError(newReservedAmount));
        ReservedAmount = newReservedAmount;
        Version = Guid.NewGuid();
    }

    /// <summary>Cancels the reservation; after a part capture it releases the rest, leaving the transaction Captured.</summary>
    public void Cancel()
    {
        Guard(CanCancel || State == TransactionState.Pending ? null : $"A {State} transaction cannot be cancelled.");
        if (State == TransactionState.PartCaptured)
        {
            ReservedAmount = CapturedAmount;
            Move(TransactionState.Captured);
        }
        else
        {
            Move(TransactionState.Cancelled);
        }
    }

    public void Refund(long amount)
    {
        Guard(RefundError(amount));
        RefundedAmount = checked(RefundedAmount + amount);
        if (State != TransactionState.PartCaptured)
            Move(RefundedAmount == CapturedAmount ? TransactionState.Refunded : TransactionState.PartRefunded);
        else
            Version = Guid.NewGuid();
    }

    /// <summary>
    /// Applies what check_order_status said. Only a Pending transaction moves (to Authorized or Denied): a status never
    /// takes a transaction out of a terminal state or backwards. Answers whether anything changed.
    /// </summary>
    public bool ApplyStatus(OrderStatus status, DateTimeOffset at)
    {
        if (State != TransactionState.Pending || status == OrderStatus.Pending)
            return false;
        if (status == OrderStatus.Accepted)
            AuthorizedAt = at;
        Move(status == OrderStatus.Accepted ? TransactionState.Authorized : TransactionState.Denied);
        return true;
    }

    /// <summary>Records the expiry Klarna answered; it never moves earlier (Klarna answers to the second).</summary>
    public void RecordPoll(DateTimeOffset at, string result)
    {
        (LastPolledAt, LastPollResult) = (at, result);
        Version = Guid.NewGuid();
    }

    public void ExtendExpiry(DateTimeOffset expiresAt)
    {
        Guard(CanCapture ? null : $"A {State} transaction has no reservation to extend.");
        if (expiresAt > ExpiresAt)
            ExpiresAt = expiresAt;
        Version = Guid.NewGuid();
    }

    /// <summary>An uncaptured reservation past its expiry is gone at Klarna; a part-captured one keeps what was captured.</summary>
    public bool ExpireIfDue(DateTimeOffset now)
    {
        if (now < ExpiresAt || State is not (TransactionState.Authorized or TransactionState.Pending or TransactionState.PartCaptured))
            return false;
        if (State == TransactionState.PartCaptured)
        {
            ReservedAmount = CapturedAmount;
            Move(TransactionState.Captured);
        }
        else
        {
            Move(TransactionState.Expired);
        }
        return true;
    }

    /// <summary>
    /// Claims the transaction for one money action. Together with the version check on saving, two users acting at
    /// once cannot both start one: the second is refused before any call to Klarna.
    /// </summary>
    public void BeginOperation(Guid operationId)
    {
        if (ActiveOperationId is not null)
            throw new BusinessRuleException("Another action on this transaction is under way or its outcome is not known yet; reload and try again.");
        ActiveOperationId = operationId;
        Version = Guid.NewGuid();
    }

    public void EndOperation(Guid operationId)
    {
        if (ActiveOperationId == operationId)
            ActiveOperationId = null;
        Version = Guid.NewGuid();
    }

    private static void Guard(string? error)
    {
        if (error is not null)
            throw new BusinessRuleException(error);
    }

    private void Move(TransactionState state)
    {
        State = state;
        Version = Guid.NewGuid();
    }
}
