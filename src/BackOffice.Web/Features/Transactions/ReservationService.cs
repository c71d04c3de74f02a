using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Transactions;

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

/// <summary>Reserves an order with reserve_amount under its channel's credentials and stores the transaction it becomes.</summary>
public sealed class ReservationService(
    IDbContextFactory<BackOfficeDbContext> databases,
    IKlarnaGateway gateway,
    SharedSecretProtector secrets,
    PendingCancellations cancellations,
    IOptions<KlarnaOptions> options,
    TimeProvider time)
{
    public async Task<Transaction> ReserveAsync(ReservationOrder order, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.SingleOrDefaultAsync(c => c.Code == order.ChannelCode, cancellationToken)
            ?? throw new BusinessRuleException($"There is no channel '{order.ChannelCode}'.");
        var service = channel.Service(order.Service);
        if (!service.Enabled)
            throw new BusinessRuleException($"{ServiceNames.Of(order.Service)} is not enabled in '{order.ChannelCode}'.");
        var credentials = secrets.Credentials(service);
        var market = KlarnaMarkets.Find(order.Country) is { } found && found.Currency == order.Currency
            ? found : throw new BusinessRuleException($"Klarna does not take {order.Currency} in {order.Country}.");
        var amount = order.Lines.Sum(l => l.Quantity * l.UnitPrice);
        var flags = InvoiceShipmentFlags.OnReserve(service.InvoiceShipment, credentials.Environment);

        OrderStatus status;
        string rno;
        try
        {
            (rno, status) = await gateway.ReserveAmountAsync(credentials, new ReserveAmountRequest
            {
                PersonalNumber = order.PersonalNumber, Gender = order.Gender, Amount = amount, OrderId1 = order.OrderNumber,
                ShippingAddress = order.ShippingAddress, BillingAddress = order.BillingAddress, ClientIp = order.ClientIp, Flags = flags,
                Currency = order.Currency, Country = order.Country, Language = market.Language, PnoEncoding = market.PnoEncoding,
                PClass = order.PClass, Goods = order.Lines,
            }, cancellationToken);
        }
        catch (KlarnaFaultException fault) when (fault.Code == KlarnaFaultCode.Credit)
        {
            (rno, status) = ("", OrderStatus.Denied);
        }

        var now = time.GetUtcNow();
        var transaction = new Transaction(channel.Id, order.Service, credentials.Environment, credentials.MerchantId, order.OrderNumber, rno, status,
            order.Currency.ToString(), order.Country.ToString(), amount,
            [.. order.Lines.Select(l => new TransactionLine(l.ArticleNumber, l.Title, l.Quantity, l.UnitPrice, l.VatPercent, l.Flags))],
            new TransactionCustomer($"{order.BillingAddress.FirstName} {order.BillingAddress.LastName}".Trim(), order.BillingAddress.Email, TransactionCustomer.Mask(order.PersonalNumber)),
            Address(order.BillingAddress), Address(order.ShippingAddress), now, now.AddDays(7));
        db.Transactions.Add(transaction);
        // Klarna cannot cancel a pending order at once: the cancellation is due a little later, and stored with the transaction.
        var decline = transaction.State == TransactionState.Pending && service.DeclinePendingOrders
            ? new PendingCancellation(transaction.Id, now.AddSeconds(options.Value.CancelDelaySeconds))
            : null;
        if (decline is not null)
            db.PendingCancellations.Add(decline);
        await db.SaveChangesAsync(cancellationToken);
        if (decline is not null)
            cancellations.Schedule(decline);
        return transaction;
    }

    private static TransactionAddress Address(KlarnaAddress address) => new(address.FirstName, address.LastName, address.Company, address.Street,
        address.HouseNumber, address.PostalCode, address.City, address.Country.ToString(), address.Email, address.CellPhone.Length > 0 ? address.CellPhone : address.Phone);
}
