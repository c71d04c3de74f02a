using System.Collections.Concurrent;

namespace BackOffice.Web.Features.Payments;

/// <summary>Who a service's money actions go to: Klarna's legacy XML-RPC API, or Klarna Payments through Computop Paygate.</summary>
public enum PaymentProvider
{
    KlarnaLegacy,
    Computop,
}

/// <summary>What a provider can do to a transaction after the purchase; pages offer only these.</summary>
[Flags]
public enum Capabilities
{
    CaptureWhole = 1,
    CaptureAmount = 1 << 1,
    CaptureLines = 1 << 2,

    /// <summary>A part capture that releases the rest with it (Computop's <c>CompleteType=YES</c>).</summary>
    FinalCapture = 1 << 3,
    RefundAmount = 1 << 4,
    RefundLines = 1 << 5,
    Cancel = 1 << 6,

    /// <summary>Lower line quantities, and so the amount, before the first capture.</summary>
    EditLines = 1 << 7,
    ChangeAddress = 1 << 8,

    /// <summary>The order number before the first capture.</summary>
    ChangeOrderNumber = 1 << 9,

    /// <summary>The order number after a capture too.</summary>
    ChangeOrderNumberAfterCapture = 1 << 10,
    ResendInvoice = 1 << 11,
    ExtendExpiry = 1 << 12,
    ExtendDueDate = 1 << 13,

    /// <summary>Cancels a pending order whose service declines pending orders, once the provider lets it.</summary>
    DeclinePending = 1 << 14,
}

/// <summary>
/// One provider as its module describes it (<see cref="PaymentProviderModule"/>): what staff call it and its references,
/// the services it offers and what it can do after the purchase. Pages and rules read these; nothing else names it.
/// </summary>
public sealed record ProviderDescriptor(PaymentProvider Key, string Name, IReadOnlyList<ServiceKind> Services, Capabilities Capabilities)
{
    /// <summary>What the provider holds for an order, as the transaction page titles its references: "Reservation", "Payment".</summary>
    public string HoldName { get; init; } = "Payment";

    /// <summary>What the provider calls its reference of the order: "Reservation", "PayID".</summary>
    public string ReferenceLabel { get; init; } = "Reference";

    /// <summary>What the provider calls the shop's own id of the payment, when it keeps one: "TransID".</summary>
    public string? ShopReferenceLabel { get; init; }

    /// <summary>What the merchant at the provider is called: "Merchant (eid)", "Merchant (MerchantID)".</summary>
    public string MerchantLabel { get; init; } = "Merchant";

    /// <summary>How the timeline's first row names the order's start: "Reserved", "Authorized".</summary>
    public string StartedAs { get; init; } = "Authorized";

    /// <summary>Said of an invoice whose document the provider no longer keeps; null when it never has one to download.</summary>
    public string? DocumentGoneNote { get; init; }

    /// <summary>
    /// The dialog that settles an operation of unknown outcome, rendered by type: it takes the operation
    /// (<c>Operation</c>) and closes with a <c>ReconcileAnswer</c>.
    /// </summary>
    public required Type ReconcileDialog { get; init; }

    /// <summary>The countries its orders come from (ISO 3166 codes): the shop API takes baskets to these, the transaction list filters by them.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    /// <summary>The currencies its orders are in (ISO 4217 codes), as the transaction list filters by them.</summary>
    public IReadOnlyList<string> Currencies { get; init; } = [];

    /// <summary>The module's own pages in the main navigation (its batch files, its PClasses).</summary>
    public IReadOnlyList<NavigationEntry> Pages { get; init; } = [];
}

/// <summary>
/// The providers this process knows: each module's descriptor, registered by <c>AddPaymentProvider</c>. A provider's
/// description never changes, so it is kept once per process, where the entities' rules can read it.
/// </summary>
public static class PaymentProviders
{
    private static readonly ConcurrentDictionary<PaymentProvider, ProviderDescriptor> Known = new();

    public static void Register(ProviderDescriptor descriptor) => Known[descriptor.Key] = descriptor;

    public static IEnumerable<ProviderDescriptor> All => Known.Values.OrderBy(d => d.Key);

    public static ProviderDescriptor Of(PaymentProvider provider) =>
        Known.TryGetValue(provider, out var descriptor) ? descriptor : throw new InvalidOperationException($"No module describes the provider {provider}: add it with AddPaymentProvider.");

    /// <summary>The provider whose module offers <paramref name="service"/>.</summary>
    public static PaymentProvider Provider(this ServiceKind service) =>
        Known.Values.FirstOrDefault(d => d.Services.Contains(service))?.Key ?? throw new InvalidOperationException($"No module offers the service {service}: add it with AddPaymentProvider.");

    public static Capabilities CapabilitiesOf(PaymentProvider provider) => Of(provider).Capabilities;

    /// <summary>Every country some provider's orders come from, in the order the modules name them.</summary>
    public static IReadOnlyList<string> Countries => [.. All.SelectMany(d => d.Countries).Distinct()];

    /// <summary>Every currency some provider's orders are in.</summary>
    public static IReadOnlyList<string> Currencies => [.. All.SelectMany(d => d.Currencies).Distinct()];

    /// <summary>The provider's name as staff know it.</summary>
    public static string NameOf(PaymentProvider provider) => Of(provider).Name;
}
