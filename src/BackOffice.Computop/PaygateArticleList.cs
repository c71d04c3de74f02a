using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackOffice.Computop;

/// <summary>
/// One order line as Klarna Payments takes it through Paygate (PROTOCOL.md §7): gross prices in minor units, the tax
/// rate in hundredths of a percent (19 % = 1900).
/// </summary>
public sealed record PaygateOrderLine(string Reference, string Name, int Quantity, long UnitPrice, int TaxRate)
{
    public long TotalAmount => checked(Quantity * UnitPrice);

    /// <summary>The tax inside the gross total, rounded to the minor unit.</summary>
    public long TotalTaxAmount => TaxRate == 0 ? 0 : (long)Math.Round(TotalAmount - TotalAmount * 10000m / (10000 + TaxRate), MidpointRounding.AwayFromZero);
}

/// <summary>The <c>ArticleList</c> parameter: <c>{"order_lines":[…]}</c> as Base64, since Data values may not hold <c>&amp;</c>.</summary>
public static class PaygateArticleList
{
    /// <summary>Paygate's limit on the encoded parameter (ans..2048).</summary>
    public const int MaxLength = 2048;

    public static string Encode(IEnumerable<PaygateOrderLine> lines)
    {
        var json = JsonSerializer.Serialize(new ArticleList([.. lines.Select(l => new Line(
            l.Name, l.Reference, l.Quantity, l.UnitPrice, l.TaxRate, l.TotalAmount, 0, l.TotalTaxAmount, "physical"))]));
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        return encoded.Length <= MaxLength ? encoded
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The order lines take {encoded.Length} characters; Paygate takes at most {MaxLength}."), nameof(lines));
    }

    public static IReadOnlyList<PaygateOrderLine> Decode(string articleList)
    {
        var list = JsonSerializer.Deserialize<ArticleList>(Convert.FromBase64String(articleList))
            ?? throw new FormatException("The ArticleList is empty.");
        return [.. list.OrderLines.Select(l => new PaygateOrderLine(l.Reference ?? "", l.Name, l.Quantity, l.UnitPrice, l.TaxRate))];
    }

    private sealed record ArticleList([property: JsonPropertyName("order_lines")] IReadOnlyList<Line> OrderLines);

    private sealed record Line(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("reference")] string? Reference,
        [property: JsonPropertyName("quantity")] int Quantity,
        [property: JsonPropertyName("unit_price")] long UnitPrice,
        [property: JsonPropertyName("tax_rate")] int TaxRate,
        [property: JsonPropertyName("total_amount")] long TotalAmount,
        [property: JsonPropertyName("total_discount_amount")] long TotalDiscountAmount,
        [property: JsonPropertyName("total_tax_amount")] long TotalTaxAmount,
        [property: JsonPropertyName("type")] string Type);
}
