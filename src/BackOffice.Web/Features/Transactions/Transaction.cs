using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

/// <summary>What an order line is besides goods, and how its price is given; the values are the books' (kept in their lines).</summary>
[Flags]
public enum LineFlags
{
    None = 0,
    IsShipment = 8,
    IsHandling = 16,
    IncludesVat = 32,
}

/// <summary>How many of one article an action takes: captures, refunds and edits by line.</summary>
public sealed record LineQuantity(string ArticleNumber, int Quantity);

/// <summary>What the provider decided about an order when it was placed, or later about a pending one.</summary>
public enum AuthorizationStatus
{
    Accepted = 1,
    Pending = 2,
    Denied = 3,
}

public sealed record TransactionLine(string ArticleNumber, string Title, int Quantity, long UnitPrice, decimal VatPercent, LineFlags Flags, int CapturedQuantity = 0)
{
    public long Total => checked(Quantity * UnitPrice);

    public int UncapturedQuantity => Quantity - CapturedQuantity;
}

public sealed record TransactionAddress(
    string FirstName, string LastName, string Company, string Street, string HouseNumber, string PostalCode, string City, string Country,
    string Email, string Phone)
{
    /// <summary>Why Klarna would not take the address (the rules its gateway checks, and ISO-8859-1), or null.</summary>
    public Message? ValidationError()
    {
        string[] fields = [FirstName, LastName, Company, Street, HouseNumber, PostalCode, City, Email, Phone];
        (string Text, int Limit, string Name)[] limited =
        [
            (FirstName, FieldRules.Name, "First name"), (LastName, FieldRules.Name, "Last name"), (Company, FieldRules.Company, "Company"),
            (Street, FieldRules.Street, "Street"), (HouseNumber, FieldRules.HouseNumber, "House number"), (PostalCode, FieldRules.PostalCode, "Postal code"),
            (City, FieldRules.City, "City"),
        ];
        return FirstName.Length == 0 && LastName.Length == 0 && Company.Length == 0 ? new Message("Give a name or a company.")
            : Street.Length == 0 ? new Message("Give the street.")
            : PostalCode.Length == 0 ? new Message("Give the postal code.")
            : City.Length == 0 ? new Message("Give the city.")
            : limited.FirstOrDefault(f => f.Text.Length > f.Limit) is { Name: not null } tooLong ? new Message("{0}: at most {1} characters.", new Message(tooLong.Name), tooLong.Limit)
            : Email.Length > 0 && !FieldRules.IsEmail(Email) ? new Message("'{0}' is not an e-mail address.", Email)
            : !FieldRules.IsPhone(Phone) ? new Message("'{0}' is not a phone number.", Phone)
            : fields.Any(f => f.Any(c => c > '\u00FF' || char.IsControl(c))) ? new Message("Klarna takes only Latin characters (ISO-8859-1) in an address.")
            : null;
    }
}

public sealed record TransactionCustomer(string Name, string Email, string MaskedPersonalNumber)
{
    /// <summary>Only the last four digits of a personal number are kept.</summary>
    public static string Mask(string personalNumber) =>
        personalNumber.Length <= 4 ? new string('•', personalNumber.Length) : new string('•', personalNumber.Length - 4) + personalNumber[^4..];
}

public enum SplitState
{
    /// <summary>Still reserved at Klarna: its activation failed or was never sent.</summary>
    Open,
    Captured,
    Released,
}

/// <summary>
/// A reservation split off the main one for a capture by amount (split_reservation). Normally it is activated at once;
/// when that fails it stays open at Klarna, and so in the books, until it is captured, cancelled or expires.
/// </summary>
public sealed record ReservationSplit(string ReservationNumber, long Amount, SplitState State);

/// <summary>
/// One Klarna reservation for one order. Amounts are minor units: <see cref="ReservedAmount"/> is what is reserved
/// for the order at Klarna in all (the authorized amount, lowered by reductions and releases, including what was
/// captured and what sits in split-off reservations), of which <see cref="CapturedAmount"/> was captured and, of that,
/// <see cref="RefundedAmount"/> refunded. State changes only through the methods below, which refuse any move
/// DESIGN.md §2 does not allow. It keeps the channel, service, merchant and environment it was made with.
/// </summary>
public sealed class Transaction
{
    private Transaction()
    {
    }

    public Transaction(
        int channelId, ServiceKind service, ProviderEnvironment environment, string merchant, string orderNumber, string reference,
        AuthorizationStatus status, string currency, string country, long amount, IReadOnlyList<TransactionLine> lines,
        TransactionCustomer customer, TransactionAddress billingAddress, TransactionAddress shippingAddress,
        DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        if (amount <= 0)
            throw new BusinessRuleException("A reservation is for more than nothing.");
        if (lines.Count == 0 || lines.Sum(l => l.Total) != amount)
            throw new BusinessRuleException("The order lines must add up to the amount.");
        if (DuplicateArticleNumbers(lines.Select(l => l.ArticleNumber)) is { Count: > 0 } duplicates)
            throw new BusinessRuleException("Every order line needs its own article number; {0} appears more than once.", string.Join(", ", duplicates));
        (ChannelId, Service, Environment, Merchant, OrderNumber, Reference) = (channelId, service, environment, merchant, orderNumber, reference);
        (Currency, Country, AuthorizedAmount, Lines) = (currency, country, amount, [.. lines]);
        (Customer, BillingAddress, ShippingAddress, CreatedAt, ExpiresAt) = (customer, billingAddress, shippingAddress, createdAt, expiresAt);
        SearchText = SearchFolding.Of(orderNumber, customer);
        State = status switch
        {
            AuthorizationStatus.Accepted => TransactionState.Authorized,
            AuthorizationStatus.Pending => TransactionState.Pending,
            _ => TransactionState.Denied,
        };
        ReservedAmount = State == TransactionState.Denied ? 0 : amount;
        if (State == TransactionState.Authorized)
            AuthorizedAt = createdAt;
    }

    /// <summary>
    /// An order the provider authorized in the shop: <paramref name="reference"/> is the provider's reference of the
    /// payment, <paramref name="merchant"/> the merchant at the provider and <paramref name="shopReference"/> the shop's own
    /// id of the payment, where the provider keeps one. A provider still deciding makes it Pending.
    /// </summary>
    public static Transaction AuthorizedInShop(
        int channelId, ServiceKind service, ProviderEnvironment environment, string merchant, string reference, string? shopReference, string orderNumber,
        string currency, string country, long amount, IReadOnlyList<TransactionLine> lines, TransactionCustomer customer, TransactionAddress billingAddress,
        TransactionAddress shippingAddress, DateTimeOffset createdAt, DateTimeOffset expiresAt, AuthorizationStatus status = AuthorizationStatus.Accepted) =>
        new(channelId, service, environment, merchant, orderNumber, reference, status,
            currency, country, amount, lines, customer, billingAddress, shippingAddress, createdAt, expiresAt)
        {
            ProviderOrderId = shopReference,
        };

    /// <summary>
    /// A sale the provider took in full at once in the shop: the transaction is captured, and its capture record — the
    /// invoice a refund targets, under the provider's <paramref name="captureReference"/> — comes with it.
    /// </summary>
    public static (Transaction Transaction, Invoice Capture) PaidInShop(
        int channelId, ServiceKind service, ProviderEnvironment environment, string merchant, string reference, string captureReference, string orderNumber,
        string currency, string country, IReadOnlyList<TransactionLine> lines, TransactionCustomer customer, TransactionAddress billingAddress,
        TransactionAddress shippingAddress, DateTimeOffset paidAt)
    {
        var amount = lines.Sum(l => l.Total);
        var transaction = AuthorizedInShop(channelId, service, environment, merchant, reference, null, orderNumber, currency, country, amount, lines, customer,
            billingAddress, shippingAddress, paidAt, paidAt);
        transaction.Capture(reference, amount, [.. lines.Select(l => new LineQuantity(l.ArticleNumber, l.Quantity))]);
        return (transaction, new Invoice(transaction.Id, captureReference, currency, amount,
            [.. lines.Select(l => new InvoiceLine(l.ArticleNumber, l.Title, l.Quantity, l.UnitPrice, l.VatPercent))], paidAt));
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public int ChannelId { get; private set; }
    public ServiceKind Service { get; private set; }
    public ProviderEnvironment Environment { get; private set; }
    public string OrderNumber { get; private set; } = "";

    /// <summary>The provider's reference of the order, as its descriptor labels it (a reservation number, a payment id).</summary>
    public string Reference { get; private set; } = "";

    /// <summary>The merchant at the provider the transaction was made with, as the provider names it (an eid, a MerchantID).</summary>
    public string Merchant { get; private set; } = "";

    /// <summary>The shop's id of the payment at a provider that keeps one.</summary>
    public string? ProviderOrderId { get; private set; }

    public PaymentProvider Provider => Service.Provider();

    public Capabilities Capabilities => PaymentProviders.CapabilitiesOf(Provider);

    public bool Has(Capabilities capability) => (Capabilities & capability) == capability;

    /// <summary>Why the transaction's provider cannot do <paramref name="capability"/>; null when it can.</summary>
    public Message? LacksError(Capabilities capability) =>
        Has(capability) ? null : new Message("{0} cannot do this: “{1}” is not one of its actions.", Service.Name, capability);

    public string Currency { get; private set; } = "";
    public string Country { get; private set; } = "";
    public TransactionState State { get; private set; }
    public long AuthorizedAmount { get; private set; }
    public long ReservedAmount { get; private set; }
    public long CapturedAmount { get; private set; }
    public long RefundedAmount { get; private set; }
    public List<TransactionLine> Lines { get; private set; } = [];
    public List<ReservationSplit> Splits { get; private set; } = [];
    public TransactionCustomer Customer { get; private set; } = null!;

    /// <summary>Order number, name and e-mail, folded (<see cref="SearchFolding"/>): what the text index holds.</summary>
    public string SearchText { get; private set; } = "";
    public TransactionAddress BillingAddress { get; private set; } = null!;
    public TransactionAddress ShippingAddress { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? AuthorizedAt { get; private set; }

    /// <summary>When the reservation is expected to expire; the expiry job asks Klarna before it believes it.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the status job last asked Klarna about this transaction, and what it heard.</summary>
    public DateTimeOffset? LastPolledAt { get; private set; }

    public string? LastPollResult { get; private set; }

    /// <summary>The money action under way (or of unknown outcome): while set, no other may start.</summary>
    public Guid? ActiveOperationId { get; private set; }

    /// <summary>Changes with every state change: two users acting at once cannot both succeed (optimistic concurrency).</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    /// <summary>Whether the last release was the provider letting the reservation run out (after a part capture the state does not say so).</summary>
    public bool RestExpired { get; private set; }

    /// <summary>Whether Klarna still holds money for this order: nothing may be captured or released otherwise.</summary>
    public bool IsOpen => State is TransactionState.Authorized or TransactionState.PartCaptured;

    /// <summary>What can still be captured, in the main reservation and in split-off ones.</summary>
    public long RemainingAmount => IsOpen ? ReservedAmount - CapturedAmount : 0;

    /// <summary>What split-off reservations still hold.</summary>
    public long OpenSplitAmount => Splits.Where(s => s.State == SplitState.Open).Sum(s => s.Amount);

    /// <summary>What the main reservation still holds at Klarna.</summary>
    public long MainOpenAmount => IsOpen || State == TransactionState.Pending ? ReservedAmount - CapturedAmount - OpenSplitAmount : 0;

    public IEnumerable<ReservationSplit> OpenSplits => Splits.Where(s => s.State == SplitState.Open);

    /// <summary>What can still be refunded.</summary>
    public long RefundableAmount => CapturedAmount - RefundedAmount;

    public bool IsTerminal => State is TransactionState.Refunded or TransactionState.Cancelled or TransactionState.Denied or TransactionState.Expired;

    public bool CanCapture => IsOpen && RemainingAmount > 0;

    public bool CanReduce => State == TransactionState.Authorized && ReservedAmount - OpenSplitAmount > 1;

    public bool CanCancel => IsOpen && RemainingAmount > 0;

    public bool CanRefund => State is (TransactionState.PartCaptured or TransactionState.Captured or TransactionState.PartRefunded) && RefundableAmount > 0;

    public bool CanExtend => Has(Capabilities.ExtendExpiry) && IsOpen && RemainingAmount > 0;

    /// <summary>
    /// Lines change only before anything is captured or split off: Klarna's update replaces the goods of the reservation,
    /// which then reserves their total. (Reduce by amount is what older operations did; it left the lines behind.)
    /// </summary>
    public bool CanEditLines => State == TransactionState.Authorized && CapturedAmount == 0 && OpenSplitAmount == 0;

    /// <summary>The new reserved amount for new line quantities (articles not named keep theirs), or why they cannot be.</summary>
    public (long Amount, Message? Error) LineEdit(IReadOnlyList<LineQuantity> quantities)
    {
        if (!CanEditLines)
            return (0, OpenSplitAmount > 0 && State == TransactionState.Authorized
                ? new Message("{0} sits in a split-off reservation: capture or cancel it before the lines change.", new Amount(OpenSplitAmount, Currency))
                : new Message("The lines of a {0} transaction cannot be changed any more.", State));
        if (DuplicateArticleNumbers(quantities.Select(q => q.ArticleNumber)) is { Count: > 0 } duplicates)
            return (0, new Message("{0} is given more than once.", string.Join(", ", duplicates)));
        foreach (var quantity in quantities)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == quantity.ArticleNumber);
            if (line is null)
                return (0, new Message("{0} is not one of the order's lines.", quantity.ArticleNumber));
            if (quantity.Quantity < 0 || quantity.Quantity > line.Quantity)
                return (0, new Message("{0} can be 0 to {1}: a reservation is never raised.", line.ArticleNumber, line.Quantity));
        }
        var amount = EditedLines(quantities).Sum(l => l.Total);
        return amount == 0 ? (0, new Message("Keep at least one line; to drop them all, cancel the order."))
            : amount == ReservedAmount ? (amount, new Message("Nothing was changed."))
            : (amount, null);
    }

    public void EditLines(IReadOnlyList<LineQuantity> quantities)
    {
        var (amount, error) = LineEdit(quantities);
        Guard(error);
        Lines = EditedLines(quantities);
        ReservedAmount = amount;
        Version = Guid.NewGuid();
    }

    /// <summary>The lines with the new quantities, those at 0 left out.</summary>
    public List<TransactionLine> EditedLines(IReadOnlyList<LineQuantity> quantities) =>
        [.. Lines.Select(l => l with { Quantity = quantities.FirstOrDefault(q => q.ArticleNumber == l.ArticleNumber)?.Quantity ?? l.Quantity }).Where(l => l.Quantity > 0)];

    /// <summary>Addresses change at Klarna with update, which only an open main reservation takes.</summary>
    public bool CanChangeAddress => Has(Capabilities.ChangeAddress) && IsOpen && MainOpenAmount > 0;

    /// <summary>
    /// Before a capture the order is renamed at the provider; afterwards only a provider that can
    /// (<see cref="Capabilities.ChangeOrderNumberAfterCapture"/>) renames the purchase, by an invoice.
    /// </summary>
    public bool CanChangeOrderNumber =>
        IsOpen && MainOpenAmount > 0 && CapturedAmount == 0 || Has(Capabilities.ChangeOrderNumberAfterCapture) && (CanChangeAddress || CapturedAmount > 0);

    public const int OrderNumberMaxLength = 100;

    /// <summary>Why the order number cannot become <paramref name="orderNumber"/>, or null.</summary>
    public Message? OrderNumberError(string orderNumber) =>
        !CanChangeOrderNumber ? new Message("The order number of a {0} transaction cannot be changed.", State)
        : orderNumber.Trim().Length == 0 ? new Message("Give the new order number.")
        : orderNumber.Length > OrderNumberMaxLength ? new Message("An order number has at most {0} characters.", OrderNumberMaxLength)
        : orderNumber.Any(c => c > '\u00FF' || char.IsControl(c)) ? new Message("An order number can only have characters Klarna takes (ISO-8859-1, no control characters).")
        : orderNumber == OrderNumber ? new Message("The order number is {0} already.", OrderNumber)
        : null;

    public void ChangeOrderNumber(string orderNumber)
    {
        if (OrderNumberError(orderNumber) is { } error)
            throw new BusinessRuleException(error);
        OrderNumber = orderNumber;
        SearchText = SearchFolding.Of(OrderNumber, Customer);
        Version = Guid.NewGuid();
    }

    /// <summary>The new billing and shipping address; the customer's name and e-mail follow the billing address.</summary>
    public void ChangeAddresses(TransactionAddress billing, TransactionAddress shipping)
    {
        if (!CanChangeAddress)
            throw new BusinessRuleException("The addresses of a {0} transaction cannot be changed any more.", State);
        if (billing.Country != Country || shipping.Country != Country)
            throw new BusinessRuleException("Both addresses must stay in {0}, the country the order was placed in.", Country);
        (BillingAddress, ShippingAddress) = (billing, shipping);
        var name = $"{billing.FirstName} {billing.LastName}".Trim();
        Customer = Customer with { Name = name.Length > 0 ? name : billing.Company, Email = billing.Email.Length > 0 ? billing.Email : Customer.Email };
        SearchText = SearchFolding.Of(OrderNumber, Customer);
        Version = Guid.NewGuid();
    }

    public static IReadOnlyList<string> DuplicateArticleNumbers(IEnumerable<string> articleNumbers) =>
        [.. articleNumbers.GroupBy(a => a, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];

    /// <summary>Why everything that remains cannot be captured, or null.</summary>
    public Message? CaptureRemainingError() => !IsOpen ? new Message("A {0} transaction cannot be captured.", State) : RemainingAmount <= 0 ? new Message("Nothing is left to capture.") : null;

    /// <summary>Why an amount cannot be captured from the main reservation (split off unless it is all of it), or null.</summary>
    public Message? CaptureError(long amount) =>
        !IsOpen ? new Message("A {0} transaction cannot be captured.", State)
        : amount <= 0 ? new Message("Capture more than nothing.")
        : amount > RemainingAmount ? new Message("At most {0} can be captured.", new Amount(RemainingAmount, Currency))
        : amount > MainOpenAmount ? new Message("At most {0} can be captured by amount: {1} sits in a split-off reservation, which only \"everything that remains\" captures.", new Amount(MainOpenAmount, Currency), new Amount(OpenSplitAmount, Currency))
        : null;

    public Message? ReduceError(long newReservedAmount) =>
        !CanReduce ? new Message("A {0} transaction cannot be reduced.", State)
        : newReservedAmount <= OpenSplitAmount ? OpenSplitAmount == 0
            ? new Message("The new amount must be more than nothing; cancel instead.")
            : new Message("The new amount must be more than the {0} held in a split-off reservation.", new Amount(OpenSplitAmount, Currency))
        : newReservedAmount >= ReservedAmount ? new Message("The new amount must be below the reserved {0}; a reservation is never raised.", new Amount(ReservedAmount, Currency))
        : null;

    public Message? RefundError(long amount) =>
        !CanRefund ? new Message("A {0} transaction has nothing to refund.", State)
        : amount <= 0 ? new Message("Refund more than nothing.")
        : amount > RefundableAmount ? new Message("At most {0} can be refunded.", new Amount(RefundableAmount, Currency))
        : null;

    /// <summary>The amount of capturing these line quantities from the main reservation, or why it cannot be done.</summary>
    public (long Amount, Message? Error) LineCapture(IReadOnlyList<LineQuantity> articles)
    {
        if (articles.Count == 0)
            return (0, new Message("Choose what to capture."));
        if (DuplicateArticleNumbers(articles.Select(a => a.ArticleNumber)) is { Count: > 0 } duplicates)
            return (0, new Message("Article {0} is listed twice.", duplicates[0]));
        long amount = 0;
        foreach (var article in articles)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == article.ArticleNumber);
            if (line is null)
                return (0, new Message("Article {0} is not on this order.", article.ArticleNumber));
            if (article.Quantity <= 0 || article.Quantity > line.UncapturedQuantity)
                return (0, new Message("At most {0} of {1} can be captured.", line.UncapturedQuantity, article.ArticleNumber));
            amount = checked(amount + article.Quantity * line.UnitPrice);
        }
        return (amount, CaptureError(amount));
    }

    /// <summary>The lines not captured yet, when they are exactly what the main reservation still holds; otherwise none are known.</summary>
    public IReadOnlyList<LineQuantity> UncapturedLinesOfMain()
    {
        var uncaptured = Lines.Where(l => l.UncapturedQuantity > 0).ToList();
        return uncaptured.Sum(l => (long)l.UncapturedQuantity * l.UnitPrice) == MainOpenAmount
            ? [.. uncaptured.Select(l => new LineQuantity(l.ArticleNumber, l.UncapturedQuantity))]
            : [];
    }

    /// <summary>Records a reservation Klarna split off the main one: the order's total at Klarna stays the same.</summary>
    public void AddSplit(string reservationNumber, long amount)
    {
        if (Splits.Any(s => s.ReservationNumber == reservationNumber))
            return;
        Guard(!IsOpen ? new Message("A {0} transaction has nothing to split.", State) : amount <= 0 || amount >= MainOpenAmount ? new Message("Klarna cannot split {0} off.", new Amount(amount, Currency)) : null);
        Splits = [.. Splits, new ReservationSplit(reservationNumber, amount, SplitState.Open)];
        Version = Guid.NewGuid();
    }

    /// <summary>
    /// Captures from one reservation: a split-off one is captured whole; from the main one an amount, with the lines it
    /// covered when they are known.
    /// </summary>
    public void Capture(string reservationNumber, long amount, IReadOnlyList<LineQuantity> lines)
    {
        var split = FindSplit(reservationNumber);
        Guard(split is not null
            ? split.State != SplitState.Open ? new Message("Reservation {0} holds nothing any more.", reservationNumber)
                : amount != split.Amount ? new Message("Reservation {0} holds {1}.", reservationNumber, new Amount(split.Amount, Currency)) : null
            : reservationNumber != Reference ? new Message("Reservation {0} is not this order's.", reservationNumber) : CaptureError(amount));
        foreach (var article in lines)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == article.ArticleNumber);
            Guard(line is null || article.Quantity > line.UncapturedQuantity ? new Message("At most {0} of {1} can be captured.", line?.UncapturedQuantity ?? 0, article.ArticleNumber) : null);
        }
        if (split is not null)
            SetSplit(split with { State = SplitState.Captured });
        Lines = [.. Lines.Select(l => l with { CapturedQuantity = l.CapturedQuantity + lines.Where(a => a.ArticleNumber == l.ArticleNumber).Sum(a => a.Quantity) })];
        CapturedAmount = checked(CapturedAmount + amount);
        Settle();
    }

    /// <summary>Sets the order's total reservation; the main reservation holds it less what split-off ones hold.</summary>
    public void Reduce(long newReservedAmount)
    {
        Guard(ReduceError(newReservedAmount));
        ReservedAmount = newReservedAmount;
        Version = Guid.NewGuid();
    }

    /// <summary>
    /// Klarna released one reservation: cancelled, or expired when <paramref name="expired"/>. Releasing the main
    /// reservation after a part capture leaves what was captured.
    /// </summary>
    public void Release(string reservationNumber, bool expired = false)
    {
        if (FindSplit(reservationNumber) is { } split)
        {
            Guard(split.State != SplitState.Open ? new Message("Reservation {0} holds nothing any more.", reservationNumber) : null);
            ReservedAmount -= split.Amount;
            SetSplit(split with { State = SplitState.Released });
        }
        else
        {
            Guard(reservationNumber != Reference ? new Message("Reservation {0} is not this order's.", reservationNumber)
                : !(IsOpen || State == TransactionState.Pending) ? new Message("A {0} transaction cannot be cancelled.", State) : null);
            ReservedAmount = CapturedAmount + OpenSplitAmount;
        }
        RestExpired = expired;
        Settle(expired ? TransactionState.Expired : TransactionState.Cancelled);
    }

    public void Refund(long amount)
    {
        Guard(RefundError(amount));
        RefundedAmount = checked(RefundedAmount + amount);
        Settle();
    }

    /// <summary>
    /// Applies what check_order_status said. Only a Pending transaction moves (to Authorized or Denied): a status never
    /// takes a transaction out of a terminal state or backwards. Answers whether anything changed.
    /// </summary>
    public bool ApplyStatus(AuthorizationStatus status, DateTimeOffset at)
    {
        if (State != TransactionState.Pending || status == AuthorizationStatus.Pending)
            return false;
        if (status == AuthorizationStatus.Accepted)
        {
            AuthorizedAt = at;
            State = TransactionState.Authorized;
        }
        else
        {
            ReservedAmount = 0;
            State = TransactionState.Denied;
        }
        Version = Guid.NewGuid();
        return true;
    }

    public void RecordPoll(DateTimeOffset at, string result)
    {
        (LastPolledAt, LastPollResult) = (at, result);
        Version = Guid.NewGuid();
    }

    /// <summary>Records the main reservation's expiry as Klarna answered it.</summary>
    public void ExtendExpiry(DateTimeOffset expiresAt)
    {
        ExpiresAt = expiresAt;
        Version = Guid.NewGuid();
    }

    /// <summary>Whether the reservation may have expired by now and Klarna should be asked.</summary>
    public bool MayHaveExpired(DateTimeOffset now) => now >= ExpiresAt && (IsOpen || State == TransactionState.Pending);

    /// <summary>
    /// Claims the transaction for one money action. Together with the version check on saving, two users acting at
    /// once cannot both start one: the second is refused before any call to Klarna.
    /// </summary>
    public void BeginOperation(Guid operationId)
    {
        if (ActiveOperationId is not null)
            throw new BusinessRuleException("Another action on this transaction is under way or its outcome is not known yet; wait for it or reconcile it.");
        ActiveOperationId = operationId;
        Version = Guid.NewGuid();
    }

    public void EndOperation(Guid operationId)
    {
        if (ActiveOperationId == operationId)
            ActiveOperationId = null;
        Version = Guid.NewGuid();
    }

    private ReservationSplit? FindSplit(string reservationNumber) => Splits.FirstOrDefault(s => s.ReservationNumber == reservationNumber);

    private void SetSplit(ReservationSplit split) =>
        Splits = [.. Splits.Select(s => s.ReservationNumber == split.ReservationNumber ? split : s)];

    /// <summary>The state follows from the amounts once Klarna has decided the order.</summary>
    private void Settle(TransactionState whenNothingIsLeft = TransactionState.Cancelled)
    {
        State = (ReservedAmount, CapturedAmount, RefundedAmount) switch
        {
            (0, 0, _) => whenNothingIsLeft,
            var (reserved, captured, _) when captured < reserved => captured == 0 ? TransactionState.Authorized : TransactionState.PartCaptured,
            (_, _, 0) => TransactionState.Captured,
            var (_, captured, refunded) when refunded < captured => TransactionState.PartRefunded,
            _ => TransactionState.Refunded,
        };
        Version = Guid.NewGuid();
    }

    private static void Guard(Message? error)
    {
        if (error is not null)
            throw new BusinessRuleException(error);
    }
}

/// <summary>How <see cref="Transaction"/> is kept.</summary>
internal sealed class TransactionConfiguration : IEntityTypeConfiguration<Transaction>
{
    public void Configure(EntityTypeBuilder<Transaction> transaction)
    {
        // A channel with transactions cannot be deleted; its money history stays.
        transaction.HasOne<Channel>().WithMany().HasForeignKey(t => t.ChannelId).OnDelete(DeleteBehavior.Restrict);
        transaction.HasIndex(t => new { t.ChannelId, t.OrderNumber }).IsUnique();
        // The list's seeks and sorts: exact identifiers, the default order (newest first) and the date filter,
        // the other sortable columns; Id breaks ties so that keyset paging is exact.
        transaction.HasIndex(t => t.OrderNumber);
        transaction.HasIndex(t => t.Reference);
        // The default order carries the folded text: a fragment found in many rows is checked in the index while walking it.
        transaction.HasIndex(t => new { t.CreatedAt, t.Id, t.SearchText });
        transaction.HasIndex(t => new { t.State, t.CreatedAt });
        // State and currency together, the list's common pair, are sought and counted in the index alone.
        transaction.HasIndex(t => new { t.State, t.Currency, t.CreatedAt, t.Id });
        // The overview's open money per currency and its count of those expiring soon are read from this index alone.
        transaction.HasIndex(t => new { t.State, t.ExpiresAt, t.Currency, t.ReservedAmount, t.CapturedAmount }).HasDatabaseName("IX_Transactions_OpenMoney");
        transaction.HasIndex(t => t.AuthorizedAmount);
        transaction.HasIndex(t => t.ActiveOperationId);
        transaction.Property(t => t.OrderNumber).HasMaxLength(100);
        // The column keeps the name it was born with: the bench's and the search's SQL read it.
        transaction.Property(t => t.Reference).HasColumnName("ReservationNumber").HasMaxLength(40);
        transaction.Property(t => t.Merchant).HasMaxLength(30);
        transaction.Property(t => t.ProviderOrderId).HasMaxLength(64);
        transaction.Ignore(t => t.Provider).Ignore(t => t.Capabilities);
        transaction.Property(t => t.Currency).HasMaxLength(3);
        transaction.Property(t => t.Country).HasMaxLength(2);
        transaction.Property(t => t.Version).IsConcurrencyToken();
        transaction.Property(t => t.LastPollResult).HasMaxLength(200);
        transaction.Ignore(t => t.RemainingAmount).Ignore(t => t.RefundableAmount).Ignore(t => t.OpenSplitAmount).Ignore(t => t.MainOpenAmount).Ignore(t => t.OpenSplits);
        // Values, not entities: billing and shipping may be the very same address.
        transaction.HasIndex(t => t.ExpiresAt);
        transaction.ComplexCollection(t => t.Lines, lines => lines.ToJson());
        transaction.ComplexCollection(t => t.Splits, splits => splits.ToJson());
        transaction.ComplexProperty(t => t.Customer, customer =>
        {
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.Email).HasMaxLength(256);
            customer.Property(c => c.MaskedPersonalNumber).HasMaxLength(40);
        });
        transaction.ComplexProperty(t => t.BillingAddress, address => address.ToJson());
        transaction.ComplexProperty(t => t.ShippingAddress, address => address.ToJson());
    }
}
