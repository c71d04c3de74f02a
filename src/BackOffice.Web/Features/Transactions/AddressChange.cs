using System.Text.Json;
using BackOffice.Klarna;

namespace BackOffice.Web.Features.Transactions;

/// <summary>The addresses an address change sets, as the operation keeps them (so that a reconciliation can apply them).</summary>
public sealed record AddressChange(TransactionAddress Billing, TransactionAddress Shipping)
{
    public static string Write(TransactionAddress billing, TransactionAddress shipping) => JsonSerializer.Serialize(new AddressChange(billing, shipping));

    public static AddressChange Read(string? change) =>
        (change is null ? null : JsonSerializer.Deserialize<AddressChange>(change)) ?? throw new BusinessRuleException("The operation does not say which addresses it set.");

    /// <summary>The address as Klarna takes it; the phone is sent as the mobile number, as the shop API receives it.</summary>
    public static KlarnaAddress ToKlarna(TransactionAddress address, KlarnaCountry country) => new()
    {
        FirstName = address.FirstName,
        LastName = address.LastName,
        Company = address.Company,
        Street = address.Street,
        HouseNumber = address.HouseNumber,
        PostalCode = address.PostalCode,
        City = address.City,
        Email = address.Email,
        CellPhone = address.Phone,
        Country = country,
    };
}
