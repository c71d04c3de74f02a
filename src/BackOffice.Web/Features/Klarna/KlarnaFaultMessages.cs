using BackOffice.Klarna;

namespace BackOffice.Web.Features.Klarna;

/// <summary>Klarna's fault codes, as a merchant's staff can act on them.</summary>
public static class KlarnaFaultMessages
{
    public static Message For(KlarnaFaultException fault) => new("Klarna refused it (fault {0}): {1}", fault.RawCode, fault.Code switch
    {
        KlarnaFaultCode.Amount => new Message("the amount is more than Klarna still holds for this reservation."),
        KlarnaFaultCode.InvoiceBadStatus => new Message("that much is no longer refundable on this invoice."),
        KlarnaFaultCode.NotAllowedOperation => new Message("the reservation is not in a state that allows this."),
        KlarnaFaultCode.Rno => new Message("Klarna no longer knows this reservation (cancelled, fully captured or expired)."),
        KlarnaFaultCode.UnknownInvoice => new Message("Klarna does not know this invoice."),
        KlarnaFaultCode.UnknownArtNo => new Message("an article is not on the reservation or invoice."),
        KlarnaFaultCode.Pending => new Message("Klarna is still reviewing this order."),
        KlarnaFaultCode.UnknownEstore => new Message("Klarna does not know the merchant ID this transaction was made with."),
        KlarnaFaultCode.InvalidEstoreSecret => new Message("the channel's shared secret does not match the merchant ID this transaction was made with."),
        _ => new Message(fault.FaultString + "."),
    });
}
