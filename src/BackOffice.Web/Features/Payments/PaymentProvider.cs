namespace BackOffice.Web.Features.Payments;

/// <summary>Who a service's money actions go to, by the key its module gives it.</summary>
public readonly record struct PaymentProvider(string Key)
{
    public override string ToString() => Key ?? "";
}

/// <summary>A service a provider offers: what staff call it ("Klarna Invoice") and, where space is short, "Invoice".</summary>
public sealed record ServiceDescriptor(ServiceKind Kind, string Name, string ShortName);

/// <summary>What a provider can do to a transaction after the purchase; pages offer only these.</summary>
[Flags]
public enum Capabilities
{
    CaptureWhole = 1,
    CaptureAmount = 1 << 1,
    CaptureLines = 1 << 2,

    /// <summary>A part capture that releases the rest with it (a final capture).</summary>
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

    /// <summary>A capture carries how its goods were shipped (carrier, tracking number).</summary>
    CaptureShipment = 1 << 15,
}

/// <summary>
/// One provider as its module describes it (<see cref="PaymentProviderModule"/>): what staff call it and its references,
/// the services it offers and what it can do after the purchase. Pages and rules read these; nothing else names it.
/// </summary>
public sealed record ProviderDescriptor(PaymentProvider Key, string Name, IReadOnlyList<ServiceDescriptor> Services, Capabilities Capabilities)
{
    /// <summary>What the provider holds for an order, as the transaction page titles its references: "Reservation", "Payment".</summary>
    public string HoldName { get; init; } = "Payment";

    /// <summary>What the provider calls its reference of the order: "Reservation", "PayID".</summary>
    public string ReferenceLabel { get; init; } = "Reference";

    /// <summary>What the provider calls its reference of one call, shown on the timeline beside it: "XID".</summary>
    public string CallReferenceLabel { get; init; } = "Reference";

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

    /// <summary>
    /// A panel of the module's own on the transaction page, rendered by type below the order lines (such as the virtual
    /// cards that settle an order): it takes the transaction (<c>Transaction</c>) and loads what it shows itself.
    /// </summary>
    public Type? TransactionPanel { get; init; }

    /// <summary>The countries its orders come from (ISO 3166 codes): the shop API takes baskets to these, the transaction list filters by them.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    /// <summary>The currencies its orders are in (ISO 4217 codes), as the transaction list filters by them.</summary>
    public IReadOnlyList<string> Currencies { get; init; } = [];

    /// <summary>The module's own pages in the main navigation (such as its batch files).</summary>
    public IReadOnlyList<NavigationEntry> Pages { get; init; } = [];
}

/// <summary>
/// The providers this process knows: each module's descriptor, registered by <c>AddPaymentProvider</c>. A provider's
/// description never changes, so it is kept once per process, where the entities' rules can read it.
/// </summary>
public static class PaymentProviders
{
    private static readonly Lock Gate = new();
    private static ProviderDescriptor[] known = [];

    /// <summary>Adds the provider, or replaces its description, keeping the order the modules are added in.</summary>
    public static void Register(ProviderDescriptor descriptor)
    {
        lock (Gate)
            known = Array.FindIndex(known, d => d.Key == descriptor.Key) is var at and >= 0
                ? [.. known[..at], descriptor, .. known[(at + 1)..]]
                : [.. known, descriptor];
    }

    public static IReadOnlyList<ProviderDescriptor> All => known;

    /// <summary>Every service of every provider, in the order the modules are added.</summary>
    public static IEnumerable<ServiceDescriptor> Services => known.SelectMany(d => d.Services);

    public static ProviderDescriptor Of(PaymentProvider provider) =>
        known.FirstOrDefault(d => d.Key == provider) ?? throw new InvalidOperationException($"No module describes the provider {provider}: add it with AddPaymentProvider.");

    public static ServiceDescriptor ServiceOf(ServiceKind service) =>
        Services.FirstOrDefault(s => s.Kind == service) ?? throw new InvalidOperationException($"No module offers the service {service}: add it with AddPaymentProvider.");

    /// <summary>The provider whose module offers <paramref name="service"/>.</summary>
    public static PaymentProvider Provider(this ServiceKind service) =>
        known.FirstOrDefault(d => d.Services.Any(s => s.Kind == service))?.Key ?? throw new InvalidOperationException($"No module offers the service {service}: add it with AddPaymentProvider.");

    public static Capabilities CapabilitiesOf(PaymentProvider provider) => Of(provider).Capabilities;

    /// <summary>Every country some provider's orders come from, in the order the modules name them.</summary>
    public static IReadOnlyList<string> Countries => [.. known.SelectMany(d => d.Countries).Distinct()];

    /// <summary>Every currency some provider's orders are in.</summary>
    public static IReadOnlyList<string> Currencies => [.. known.SelectMany(d => d.Currencies).Distinct()];

    /// <summary>The provider's name as staff know it.</summary>
    public static string NameOf(PaymentProvider provider) => Of(provider).Name;
}
