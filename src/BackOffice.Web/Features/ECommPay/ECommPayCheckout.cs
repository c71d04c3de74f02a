using System.Globalization;
using BackOffice.ECommPay;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Hosting;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <param name="VatPercent">The rate included in the unit price.</param>
public sealed record SofortLine(string? ArticleNumber, string? Title, int Quantity, long UnitPrice, decimal VatPercent);

public sealed record SofortCustomer(string? FirstName, string? LastName, string? Email);

/// <summary>A Sofort payment a shop starts for an order: the basket (gross minor units), the customer, the language of the payment page.</summary>
public sealed record SofortPaymentRequest(string? OrderNumber, string? Currency, string? Country, string? Language, IReadOnlyList<SofortLine>? Lines, SofortCustomer? Customer);

/// <summary>Where the shop sends its customer: ECommPay's payment page, signed for this payment.</summary>
public sealed record SofortPaymentResponse(string PaymentId, string OrderNumber, long Amount, string Currency, Uri PaymentPageUrl);

/// <summary>
/// The shop API of Klarna (Sofort) via ECommPay: a payment is started by keeping the order under a new payment id and
/// answering the signed payment page address with <c>force_payment_method=sofort</c>. Nothing is sent to ECommPay
/// here; the customer's payment arrives by ECommPay's callback, which opens the transaction.
/// </summary>
public sealed class ECommPayCheckout(IDbContextFactory<BackOfficeDbContext> databases, ECommPayConnections connections, PublicAddress publicAddress, TimeProvider time)
{
    public static readonly string[] Currencies = ["EUR", "GBP", "PLN"];

    /// <summary>ECommPay's limits of a Sofort purchase: 1.00 to 5,000.00 (PROTOCOL.md §3).</summary>
    public const long MinimumAmount = 100;
    public const long MaximumAmount = 500_000;

    public static Dictionary<string, string[]> Errors(SofortPaymentRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.OrderNumber?.Trim() is not { Length: > 0 and <= 100 })
            errors["orderNumber"] = ["Send the shop's order number (at most 100 characters)."];
        if (request.Currency?.ToUpperInvariant() is not { } currency || !Currencies.Contains(currency))
            errors["currency"] = [$"Sofort takes {string.Join(", ", Currencies)}."];
        if (request.Country?.ToUpperInvariant() is not { } country || !ECommPayModule.Countries.Contains(country))
            errors["country"] = [$"Sofort is offered in {string.Join(", ", ECommPayModule.Countries)}."];
        if (request.Language is { } language && (language.Length != 2 || !language.All(char.IsAsciiLetterLower)))
            errors["language"] = ["A language is two lower-case letters, e.g. de."];
        if (request.Customer is not { } customer || customer.FirstName?.Trim() is not { Length: > 0 and <= FieldRules.Name } || customer.LastName?.Trim() is not { Length: > 0 and <= FieldRules.Name })
            errors["customer"] = ["Send the customer's first and last name."];
        else if (customer.Email is { Length: > 0 } email && !FieldRules.IsEmail(email.Trim()))
            errors["customer.email"] = ["Send a valid e-mail address, or none."];
        if (request.Lines is not { Count: > 0 and <= 500 } lines)
            errors["lines"] = ["Send the basket's lines (1 to 500)."];
        else if (lines.Any(l => l.ArticleNumber?.Trim() is not { Length: > 0 and <= 100 } || l.Title?.Trim() is not { Length: > 0 and <= FieldRules.Title }
                     || l.Quantity is < 1 or > 10_000 || l.UnitPrice is < 0 or > 500_000 || l.VatPercent is < 0 or > 100))
            errors["lines"] = ["Each line has an article number, a title, a quantity of 1 to 10000, a unit price of 0 to 500000 minor units and a VAT rate of 0 to 100."];
        else if (lines.Select(l => l.ArticleNumber!.Trim()).Distinct().Count() != lines.Count)
            errors["lines"] = ["Every line needs its own article number."];
        else if (lines.Sum(l => (long)l.Quantity * l.UnitPrice) is < MinimumAmount or > MaximumAmount)
            errors["lines"] = ["Sofort takes 1.00 to 5,000.00 per payment."];
        return errors;
    }

    /// <summary>Keeps the order under a new payment id and answers the payment page address; refused when the channel has this order already.</summary>
    public async Task<SofortPaymentResponse> StartAsync(string channelCode, SofortPaymentRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var service = await (from c in db.Channels where c.Code == channelCode join s in db.ECommPayServices on c.Id equals s.ChannelId select s).AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new BusinessRuleException("Klarna (Sofort) via ECommPay is not set up for this channel.");
        if (service.NotReadyForShop is { } reason)
            throw new BusinessRuleException(reason);
        var orderNumber = request.OrderNumber!.Trim();
        if (await db.Transactions.AnyAsync(t => t.ChannelId == service.ChannelId && t.OrderNumber == orderNumber, cancellationToken))
            throw new BusinessRuleException("This channel has an order {0} already.", orderNumber);
        var customer = request.Customer!;
        var lines = request.Lines!.Select(l => new TransactionLine(l.ArticleNumber!.Trim(), l.Title!.Trim(), l.Quantity, l.UnitPrice, l.VatPercent, LineFlags.IncludesVat)).ToList();
        var intent = new ECommPayPaymentIntent(service.ChannelId, Guid.NewGuid().ToString("N"), orderNumber, request.Currency!.ToUpperInvariant(), request.Country!.ToUpperInvariant(),
            lines, customer.FirstName!.Trim(), customer.LastName!.Trim(), customer.Email?.Trim() ?? "", time.GetUtcNow());
        db.ECommPayPaymentIntents.Add(intent);
        await db.SaveChangesAsync(cancellationToken);

        var page = ECommPayClient.PaymentPageUrl(connections.PaymentPageOf(service), connections.Project(service), new ECommPayPurchase(
            intent.PaymentId, intent.Amount, intent.Currency, CustomerId(intent), $"Order {orderNumber}", request.Language, intent.Email.Length > 0 ? intent.Email : null,
            intent.FirstName, intent.LastName, intent.Country, publicAddress.Of($"notify/ecommpay/{Uri.EscapeDataString(channelCode)}")));
        return new SofortPaymentResponse(intent.PaymentId, orderNumber, intent.Amount, intent.Currency, page);
    }

    /// <summary>ECommPay's customer id: the shop's customer is known by name and e-mail only, so the order stands for them.</summary>
    private static string CustomerId(ECommPayPaymentIntent intent) => string.Create(CultureInfo.InvariantCulture, $"order-{intent.OrderNumber}");
}
