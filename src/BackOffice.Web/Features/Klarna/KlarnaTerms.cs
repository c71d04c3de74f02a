using BackOffice.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Klarna;

/// <summary>The books' words in the legacy gateway's types and back: the core knows none of the gateway's.</summary>
public static class KlarnaTerms
{
    public static KlarnaCredentials Credentials(this SharedSecretProtector secrets, PaymentService service)
    {
        var (merchantId, sharedSecret) = secrets.Reveal(service);
        return new KlarnaCredentials(merchantId, sharedSecret, service.Environment.ToKlarna());
    }

    /// <summary>The legacy merchant's number (eid), which the books keep as the transaction's merchant.</summary>
    public static int Eid(string merchant) => int.Parse(merchant, System.Globalization.CultureInfo.InvariantCulture);

    public static string Merchant(int eid) => eid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static KlarnaEnvironment ToKlarna(this ProviderEnvironment environment) =>
        environment == ProviderEnvironment.Live ? KlarnaEnvironment.Live : KlarnaEnvironment.Test;

    public static IReadOnlyList<ArticleQuantity> ToKlarna(this IReadOnlyList<LineQuantity> lines) =>
        [.. lines.Select(l => new ArticleQuantity(l.ArticleNumber, l.Quantity))];

    public static GoodsFlags ToKlarna(this LineFlags flags) =>
        (flags.HasFlag(LineFlags.IsShipment) ? GoodsFlags.IsShipment : 0) | (flags.HasFlag(LineFlags.IsHandling) ? GoodsFlags.IsHandling : 0)
        | (flags.HasFlag(LineFlags.IncludesVat) ? GoodsFlags.IncludesVat : 0);

    public static LineFlags ToBooks(this GoodsFlags flags) =>
        (flags.HasFlag(GoodsFlags.IsShipment) ? LineFlags.IsShipment : 0) | (flags.HasFlag(GoodsFlags.IsHandling) ? LineFlags.IsHandling : 0)
        | (flags.HasFlag(GoodsFlags.IncludesVat) ? LineFlags.IncludesVat : 0);

    public static AuthorizationStatus ToBooks(this OrderStatus status) => status switch
    {
        OrderStatus.Accepted => AuthorizationStatus.Accepted,
        OrderStatus.Pending => AuthorizationStatus.Pending,
        _ => AuthorizationStatus.Denied,
    };
}
