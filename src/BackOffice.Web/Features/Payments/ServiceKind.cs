using System.ComponentModel.DataAnnotations;

namespace BackOffice.Web.Features.Payments;

/// <summary>A payment service: Klarna's legacy Invoice and Installments, or Klarna Payments through Computop.</summary>
public enum ServiceKind
{
    [Display(Name = "Klarna Invoice")]
    Invoice,

    [Display(Name = "Klarna Installments")]
    Installments,

    [Display(Name = "Klarna Payments (Computop)")]
    KlarnaPayments,
}
