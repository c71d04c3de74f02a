using BackOffice.Web.Features.Klarna;

namespace BackOffice.Web.Features.Channels;

public static class ServiceNames
{
    public static string Of(ServiceKind kind) => kind switch
    {
        ServiceKind.Invoice => "Klarna Invoice",
        ServiceKind.Installments => "Klarna Installments",
        ServiceKind.KlarnaPayments => "Klarna Payments (Computop)",
        _ => kind.ToString(),
    };
}
