
namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// What to capture: everything that remains, an amount, or line quantities; <paramref name="Final"/> releases what
/// remains with it, where the provider can (<see cref="Payments.Capabilities.FinalCapture"/>).
/// </summary>
public sealed record CaptureRequest(long? Amount = null, IReadOnlyList<LineQuantity>? Lines = null, string Reason = "", bool Final = false, Shipment? Shipment = null)
{
    public static CaptureRequest Remaining(string reason = "") => new(Reason: reason);
}

/// <summary>What to refund on one invoice: all that is left, line quantities, or an amount (VAT included, at <paramref name="VatPercent"/>).</summary>
public sealed record RefundRequest(string InvoiceNumber, long? Amount = null, IReadOnlyList<LineQuantity>? Lines = null, decimal VatPercent = 0, string Reason = "");

/// <summary>How a money action ended, in words for the person who asked.</summary>
public sealed record OperationOutcome(Guid OperationId, OperationState State, Message Message, string? InvoiceNumber = null, int? FaultCode = null)
{
    public bool Succeeded => State == OperationState.Succeeded;
}

/// <summary>New line quantities, as the edit-lines dialog returns them.</summary>
public sealed record LinesChange(IReadOnlyList<LineQuantity> Quantities, string Reason);
