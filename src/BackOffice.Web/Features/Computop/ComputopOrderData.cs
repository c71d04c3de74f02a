using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Computop;

/// <summary>
/// The order as the shop hands it to Paygate in <c>UserData</c>, which Paygate returns unchanged with the notification:
/// Base64 of <c>{"country","currency","customer":{…},"address":{…},"order_lines":[…]}</c>. A notification carries no
/// basket of its own, so this is how an order authorized in the shop reaches the books (README, "Computop").
/// </summary>
public sealed record ComputopOrderData(
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("customer")] ComputopOrderData.Person Customer,
    [property: JsonPropertyName("address")] ComputopOrderData.Place Address,
    [property: JsonPropertyName("order_lines")] IReadOnlyList<ComputopOrderData.Line> Lines)
{
    public sealed record Person(
        [property: JsonPropertyName("first_name")] string FirstName,
        [property: JsonPropertyName("last_name")] string LastName,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("phone")] string Phone = "");

    public sealed record Place(
        [property: JsonPropertyName("street")] string Street,
        [property: JsonPropertyName("house_number")] string HouseNumber,
        [property: JsonPropertyName("postal_code")] string PostalCode,
        [property: JsonPropertyName("city")] string City);

    /// <summary>One line: gross unit price in minor units, tax rate in hundredths of a percent (19 % = 1900).</summary>
    public sealed record Line(
        [property: JsonPropertyName("reference")] string Reference,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("quantity")] int Quantity,
        [property: JsonPropertyName("unit_price")] long UnitPrice,
        [property: JsonPropertyName("tax_rate")] int TaxRate);

    /// <summary>The order's total; quantities and prices are bounded by <see cref="Decode"/>, so it cannot overflow.</summary>
    public long Amount => Lines.Sum(l => l.Quantity * l.UnitPrice);

    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this)));

    /// <summary>
    /// The order in <paramref name="userData"/>, or why it cannot be read. JSON leaves any field it lacks null whatever
    /// the record says, so every one is checked here, before anything reads it.
    /// </summary>
    public static (ComputopOrderData? Order, Message? Error) Decode(string? userData)
    {
        if (userData is not { Length: > 0 })
            return (null, new Message("The notification carries no order (UserData)."));
        ComputopOrderData? order;
        try
        {
            order = JsonSerializer.Deserialize<ComputopOrderData>(Convert.FromBase64String(userData));
        }
        catch (Exception e) when (e is FormatException or JsonException or NotSupportedException or ArgumentException)
        {
            return (null, new Message("The notification's UserData is not an order: {0}", e.Message));
        }
        if (order is not { Country.Length: 2, Currency.Length: 3, Customer: { FirstName: not null, LastName: not null, Email: not null },
                Address: { Street: not null, HouseNumber: not null, PostalCode: not null, City: not null }, Lines: { Count: > 0 and <= 500 } lines })
            return (null, new Message("The order in the notification's UserData lacks a country, a currency, the customer, the address or lines."));
        if (!lines.All(l => l is { Reference.Length: > 0 and <= 100, Name: not null, Quantity: > 0 and <= 100_000, UnitPrice: > 0 and <= int.MaxValue, TaxRate: >= 0 and <= 10_000 }))
            return (null, new Message("A line of the order in the notification's UserData lacks a reference or a name, or its quantity, price or tax rate is out of range."));
        return (order, null);
    }

    public IReadOnlyList<TransactionLine> TransactionLines() =>
        [.. Lines.Select(l => new TransactionLine(l.Reference, l.Name, l.Quantity, l.UnitPrice, l.TaxRate / 100m, default))];

    public TransactionAddress TransactionAddress() =>
        new(Customer.FirstName, Customer.LastName, "", Address.Street, Address.HouseNumber, Address.PostalCode, Address.City, Country, Customer.Email, Customer.Phone ?? "");
}
