using System.Text.Json;

namespace BackOffice.Web.Features.Transactions;

/// <summary>The addresses an address change sets, as the operation keeps them (so that a reconciliation can apply them).</summary>
public sealed record AddressChange(TransactionAddress Billing, TransactionAddress Shipping)
{
    public static string Write(TransactionAddress billing, TransactionAddress shipping) => JsonSerializer.Serialize(new AddressChange(billing, shipping));

    public static AddressChange Read(string? change) =>
        (change is null ? null : JsonSerializer.Deserialize<AddressChange>(change)) ?? throw new BusinessRuleException("The operation does not say which addresses it set.");
}
