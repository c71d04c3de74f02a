using BackOffice.Web.Features.Klarna;

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
}

public static class PaymentProviders
{
    private const Capabilities Common = Capabilities.CaptureWhole | Capabilities.CaptureAmount | Capabilities.CaptureLines
        | Capabilities.RefundAmount | Capabilities.RefundLines | Capabilities.Cancel | Capabilities.EditLines
        | Capabilities.ChangeOrderNumber | Capabilities.ResendInvoice;

    public static PaymentProvider Provider(this ServiceKind service) => service == ServiceKind.KlarnaPayments ? PaymentProvider.Computop : PaymentProvider.KlarnaLegacy;

    public static Capabilities CapabilitiesOf(PaymentProvider provider) => provider switch
    {
        PaymentProvider.KlarnaLegacy => Common | Capabilities.ChangeAddress | Capabilities.ChangeOrderNumberAfterCapture | Capabilities.ExtendExpiry | Capabilities.ExtendDueDate,
        _ => Common | Capabilities.FinalCapture,
    };

    /// <summary>The provider's name as staff know it.</summary>
    public static string NameOf(PaymentProvider provider) => provider == PaymentProvider.Computop ? "Computop" : "Klarna";
}
