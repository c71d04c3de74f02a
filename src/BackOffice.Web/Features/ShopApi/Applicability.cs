namespace BackOffice.Web.Features.ShopApi;

/// <summary>Whether a service may be offered for a basket: yes, only with restrictions shown to the customer, or not.</summary>
public enum Applicability
{
    Applicable,
    Restricted,
    NotApplicable,
}
