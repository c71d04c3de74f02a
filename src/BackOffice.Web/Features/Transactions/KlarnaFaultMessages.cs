using BackOffice.Klarna;

namespace BackOffice.Web.Features.Transactions;

/// <summary>Klarna's fault codes, as a merchant's staff can act on them.</summary>
public static class KlarnaFaultMessages
{
    public static string For(KlarnaFaultException fault) => $"Klarna refused it (fault {fault.RawCode}): " + fault.Code switch
    {
        KlarnaFaultCode.Amount => "the amount is more than Klarna still holds for this reservation.",
        KlarnaFaultCode.InvoiceBadStatus => "that much is no longer refundable on this invoice.",
        KlarnaFaultCode.NotAllowedOperation => "the reservation is not in a state that allows this.",
        KlarnaFaultCode.Rno => "Klarna no longer knows this reservation (cancelled, fully captured or expired).",
        KlarnaFaultCode.UnknownInvoice => "Klarna does not know this invoice.",
        KlarnaFaultCode.UnknownArtNo => "an article is not on the reservation or invoice.",
        KlarnaFaultCode.Pending => "Klarna is still reviewing this order.",
        KlarnaFaultCode.UnknownEstore => "Klarna does not know the merchant ID this transaction was made with.",
        KlarnaFaultCode.InvalidEstoreSecret => "the channel's shared secret does not match the merchant ID this transaction was made with.",
        _ => fault.FaultString + ".",
    };
}
