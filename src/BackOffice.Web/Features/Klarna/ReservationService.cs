using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna;

/// <summary>An order to reserve at Klarna: what a shop sends.</summary>
public sealed record ReservationOrder(
    string ChannelCode,
    ServiceKind Service,
    string OrderNumber,
    KlarnaCountry Country,
    KlarnaCurrency Currency,
    string PersonalNumber,
    KlarnaAddress BillingAddress,
    KlarnaAddress ShippingAddress,
    IReadOnlyList<GoodsLine> Lines,
    int PClass = -1,
    Gender Gender = Gender.Unknown,
    string ClientIp = "");

/// <summary>How a reservation request ended.</summary>
public abstract record ReservationOutcome
{
    /// <summary>Klarna answered and the transaction is stored (Authorized, Pending or Denied).</summary>
    public sealed record Stored(Transaction Transaction) : ReservationOutcome;

    /// <summary>The same request was answered before: here is that answer.</summary>
    public sealed record Replayed(int Status, string Body) : ReservationOutcome;

    /// <summary>Another request for the order is under way, had other content, or Klarna holds an order whose answer was lost.</summary>
    public sealed record Conflict(string Detail) : ReservationOutcome;

    /// <summary>Klarna refused the reservation; nothing is stored.</summary>
    public sealed record Refused(KlarnaFaultException Fault) : ReservationOutcome;

    /// <summary>Klarna could not be reached, or its answer was lost; sending the same request again is safe.</summary>
    public sealed record NotReserved(string Detail) : ReservationOutcome;
}

/// <summary>
/// Reserves an order with reserve_amount under its channel's credentials, exactly once per channel and order number,
/// and stores the transaction it becomes. Journal first: the claim before the call, Klarna's answer on the claim
/// before the transaction. When Klarna's answer was lost, the next identical request asks Klarna by order number
/// (check_order_status) and reserves again only if Klarna holds nothing for the order.
/// </summary>
public sealed class ReservationService(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    SharedSecretProtector secrets,
    DomainEvents events,
    OperationJournal journal,
    IOptions<KlarnaOptions> options,
    TimeProvider time)
{
    /// <summary>A claim in progress for longer than this lost its request (the app stopped): it counts as of unknown outcome.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>What to tell a shop whose reservation may exist at Klarna without its number.</summary>
    public const string HeldAtKlarnaDetail = "Klarna holds a reservation for order {0} from an earlier request whose answer was lost, so it was not reserved again. " +
        "Its reservation number is not known here: cancel it in Klarna Online and send the order under a new order number.";

    /// <summary>For callers without a request of their own (demo data, tests): the order itself is the fingerprint.</summary>
    public Task<ReservationOutcome> ReserveAsync(ReservationOrder order, CancellationToken cancellationToken = default) =>
        ReserveAsync(order, $"order:{order.ChannelCode}:{order.OrderNumber}", cancellationToken);

    public async Task<ReservationOutcome> ReserveAsync(ReservationOrder order, string fingerprint, CancellationToken cancellationToken = default)
    {
        Channel channel;
        PaymentService service;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Code == order.ChannelCode, cancellationToken)
                ?? throw new BusinessRuleException("There is no channel '{0}'.", order.ChannelCode);
            service = await db.PaymentServiceAsync(channel.Id, order.Service, cancellationToken);
        }
        if (!service.Enabled)
            throw new BusinessRuleException("{0} is not enabled in '{1}'.", order.Service, order.ChannelCode);
        if (KlarnaMarkets.Find(order.Country) is not { } market || market.Currency != order.Currency)
            throw new BusinessRuleException("Klarna does not take {0} in {1}.", order.Currency, order.Country);
        if (Transaction.DuplicateArticleNumbers(order.Lines.Select(l => l.ArticleNumber)) is { Count: > 0 } duplicates)
            throw new BusinessRuleException("Every order line needs its own article number; {0} appears more than once.", string.Join(", ", duplicates));
        var credentials = secrets.Credentials(service);

        var (claim, earlier) = await ClaimAsync(channel.Id, order, fingerprint, credentials, cancellationToken);
        if (earlier is not null)
            return earlier;
        if (claim.State == ClaimState.Reserved)
            return new ReservationOutcome.Stored(await StoreAsync(channel, service, credentials, order, claim.ReservationNumber!, (OrderStatus)claim.KlarnaStatus!.Value));

        OrderStatus status;
        string rno;
        try
        {
            (rno, status) = await gateway.ReserveAmountAsync(credentials, new ReserveAmountRequest
            {
                PersonalNumber = order.PersonalNumber, Gender = order.Gender, Amount = Amount(order), OrderId1 = order.OrderNumber,
                ShippingAddress = order.ShippingAddress, BillingAddress = order.BillingAddress, ClientIp = order.ClientIp,
                Flags = InvoiceShipmentFlags.OnReserve(service.InvoiceShipment, service.Environment),
                Currency = order.Currency, Country = order.Country, Language = market.Language, PnoEncoding = market.PnoEncoding,
                PClass = order.PClass, Goods = order.Lines,
            }, CancellationToken.None);
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Credit)
        {
            (rno, status) = ("", OrderStatus.Denied);
        }
        catch (KlarnaFaultException fault)
        {
            await ReleaseClaimAsync(claim.Id);
            return new ReservationOutcome.Refused(fault);
        }
        catch (KlarnaUnavailableException e)
        {
            await ReleaseClaimAsync(claim.Id);
            return new ReservationOutcome.NotReserved($"{e.Message} Nothing was reserved; send the request again.");
        }
        catch (KlarnaOutcomeUnknownException e)
        {
            await UpdateClaimAsync(claim.Id, c => c.Lost());
            return new ReservationOutcome.NotReserved($"{e.Message} Send the same request again: Klarna is asked about the order before anything is reserved again.");
        }

        await UpdateClaimAsync(claim.Id, c => c.Reserved(rno, (int)status));
        return new ReservationOutcome.Stored(await StoreAsync(channel, service, credentials, order, rno, status));
    }

    /// <summary>Records the answer the shop got, for the same request sent again.</summary>
    public Task RecordAnswerAsync(string channelCode, string orderNumber, int status, string body) => DatabaseRetry.RunAsync(async () =>
    {
        await using var db = await databases.CreateDbContextAsync();
        var claim = await db.ReservationClaims.SingleAsync(c => c.OrderNumber == orderNumber && db.Channels.Any(ch => ch.Id == c.ChannelId && ch.Code == channelCode));
        claim.Answer(status, body);
        await db.SaveChangesAsync();
        return true;
    });

    /// <summary>Takes the order's claim, or answers from an earlier one.</summary>
    private async Task<(ReservationClaim Claim, ReservationOutcome? Earlier)> ClaimAsync(
        int channelId, ReservationOrder order, string fingerprint, KlarnaCredentials credentials, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var claim = await db.ReservationClaims.SingleOrDefaultAsync(c => c.ChannelId == channelId && c.OrderNumber == order.OrderNumber, cancellationToken);
        if (claim is null)
        {
            claim = new ReservationClaim(channelId, order.OrderNumber, fingerprint, time.GetUtcNow());
            db.ReservationClaims.Add(claim);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (claim, null);
            }
            catch (DbUpdateException e) when (!DatabaseRetry.IsTransient(e))
            {
                return (claim, InProgress(order));
            }
        }
        if (claim.Fingerprint != fingerprint)
            return (claim, new ReservationOutcome.Conflict($"Order {order.OrderNumber} was reserved already with other content."));
        switch (claim.State)
        {
            case ClaimState.Answered:
                return (claim, new ReservationOutcome.Replayed(claim.Status!.Value, claim.Body!));
            case ClaimState.HeldAtKlarna:
                return (claim, new ReservationOutcome.Conflict(string.Format(System.Globalization.CultureInfo.InvariantCulture, HeldAtKlarnaDetail, order.OrderNumber)));
            case ClaimState.Reserved:
                return (claim, null);
            case ClaimState.Unknown:
            case ClaimState.InProgress when claim.CreatedAt < time.GetUtcNow() - AbandonedAfter:
                if (await HeldAtKlarnaAsync(credentials, order.OrderNumber, cancellationToken) is not { } held)
                    return (claim, new ReservationOutcome.NotReserved("Klarna could not be asked whether it holds the order from the earlier request; send the request again later."));
                if (held)
                {
                    await UpdateClaimAsync(claim.Id, c => c.HeldAtKlarna());
                    return (claim, new ReservationOutcome.Conflict(string.Format(System.Globalization.CultureInfo.InvariantCulture, HeldAtKlarnaDetail, order.OrderNumber)));
                }
                // Klarna holds nothing for the order: take the claim over, unless another copy of the request just did.
                var seen = claim.State;
                var taken = await db.ReservationClaims.Where(c => c.Id == claim.Id && c.State == seen)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, ClaimState.InProgress).SetProperty(x => x.CreatedAt, time.GetUtcNow()), cancellationToken);
                return (claim, taken == 1 ? null : InProgress(order));
            default:
                return (claim, InProgress(order));
        }
    }

    /// <summary>Whether Klarna holds a reservation with this order number (check_order_status by order id); null when it cannot be asked.</summary>
    private async Task<bool?> HeldAtKlarnaAsync(KlarnaCredentials credentials, string orderNumber, CancellationToken cancellationToken)
    {
        try
        {
            await gateway.CheckOrderStatusAsync(credentials, orderNumber, OrderIdType.OrderId, cancellationToken);
            return true;
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Rno)
        {
            return false;
        }
        catch (KlarnaException)
        {
            return null;
        }
    }

    /// <summary>
    /// Stores the transaction of a reservation Klarna made, once: identical requests at the same moment may all get
    /// here; the one that loses the insert finds the winner's row on its next attempt.
    /// </summary>
    private async Task<Transaction> StoreAsync(Channel channel, PaymentService service, KlarnaCredentials credentials, ReservationOrder order, string rno, OrderStatus status)
    {
        var (transaction, decline) = await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            if (await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.ChannelId == channel.Id && t.OrderNumber == order.OrderNumber) is { } stored)
                return (stored, (PendingCancellation?)null);
            var now = time.GetUtcNow();
            var transaction = new Transaction(channel.Id, order.Service, service.Environment, KlarnaTerms.Merchant(credentials.MerchantId), order.OrderNumber, rno, status.ToBooks(),
                order.Currency.ToString(), order.Country.ToString(), Amount(order),
                [.. order.Lines.Select(l => new TransactionLine(l.ArticleNumber, l.Title, l.Quantity, l.UnitPrice, l.VatPercent, l.Flags.ToBooks()))],
                new TransactionCustomer($"{order.BillingAddress.FirstName} {order.BillingAddress.LastName}".Trim(), order.BillingAddress.Email, TransactionCustomer.Mask(order.PersonalNumber)),
                Address(order.BillingAddress), Address(order.ShippingAddress), now, now.AddDays(options.Value.ReservationDays));
            // Klarna cannot cancel a pending order at once: the cancellation is due a little later, and stored with the transaction.
            var decline = transaction.State == TransactionState.Pending && service.DeclinePendingOrders
                ? new PendingCancellation(transaction.Id, now.AddSeconds(options.Value.CancelDelaySeconds))
                : null;
            await journal.OpenAsync(transaction, beside =>
            {
                if (decline is not null)
                    beside.PendingCancellations.Add(decline);
            });
            return (transaction, decline);
        }, onConflict: true);
        if (decline is not null)
            await events.RaiseAsync(new PendingDeclineDue(decline));
        return transaction;
    }

    private Task ReleaseClaimAsync(long claimId) => DatabaseRetry.RunAsync(async () =>
    {
        await using var db = await databases.CreateDbContextAsync();
        return await db.ReservationClaims.Where(c => c.Id == claimId).ExecuteDeleteAsync();
    });

    private Task UpdateClaimAsync(long claimId, Action<ReservationClaim> change) => DatabaseRetry.RunAsync(async () =>
    {
        await using var db = await databases.CreateDbContextAsync();
        change(await db.ReservationClaims.SingleAsync(c => c.Id == claimId));
        await db.SaveChangesAsync();
        return true;
    });

    private static ReservationOutcome InProgress(ReservationOrder order) =>
        new ReservationOutcome.Conflict($"A request for order {order.OrderNumber} is being handled; send it again in a moment.");

    private static long Amount(ReservationOrder order) => order.Lines.Sum(l => l.Quantity * l.UnitPrice);

    private static TransactionAddress Address(KlarnaAddress address) => new(address.FirstName, address.LastName, address.Company, address.Street,
        address.HouseNumber, address.PostalCode, address.City, address.Country.ToString(), address.Email, address.CellPhone.Length > 0 ? address.CellPhone : address.Phone);
}
