namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>Klarna's checks of a cart and of lines, in its order: the first failure wins, named by its path (Bad value: …).</summary>
internal static class SandboxCart
{
    public static string? LinesError(IReadOnlyList<KlarnaOrderLine>? lines, string path = "order_lines")
    {
        if (lines is null)
            return null;
        if (lines.Count > 1000)
            return $"Bad value: {path}";
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line.Name) || line.Name.Length > 255 || line.Quantity < 0)
                return $"Bad value: {path}[{i}]";
            if (line.TotalAmount != line.Quantity * line.UnitPrice - (line.TotalDiscountAmount ?? 0))
                return $"Bad value: {path}[{i}].total_amount";
            if (line.TaxRate is { } rate && (rate is < 0 or > 10_000))
                return $"Bad value: {path}[{i}].tax_rate";
            if (line.TaxRate is { } taxRate && line.TotalTaxAmount is { } tax && !KlarnaTax.Agrees(line.TotalAmount, taxRate, tax))
                return $"Bad value: {path}[{i}].total_tax_amount differs from the calculated value [{KlarnaTax.Of(line.TotalAmount, taxRate)}] by more than [1]";
        }
        return null;
    }

    /// <summary>Lines that are sent must add up to the amount they come with.</summary>
    public static string? SumError(long amount, IReadOnlyList<KlarnaOrderLine>? lines, string amountPath) =>
        lines is { Count: > 0 } && lines.Sum(l => l.TotalAmount) != amount ? $"Bad value: {amountPath}" : null;

    public static string? PurchaseError(KlarnaPurchase purchase)
    {
        if (purchase.PurchaseCountry is not { Length: 2 } country || !country.All(char.IsAsciiLetter))
            return "Bad value: purchase_country";
        if (purchase.PurchaseCurrency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetter))
            return "Bad value: purchase_currency";
        if (purchase.OrderLines is not { Count: > 0 })
            return "Bad value: order_lines";
        if (LinesError(purchase.OrderLines) is { } linesError)
            return linesError;
        if (purchase.OrderAmount < 0 || purchase.OrderAmount != purchase.OrderLines.Sum(l => l.TotalAmount)
            || purchase.OrderAmount == 0 && purchase.Intent != KlarnaIntent.Tokenize)
            return "Bad value: order_amount";
        if (purchase.OrderTaxAmount is { } orderTax && Math.Abs(orderTax - purchase.OrderLines.Sum(l => l.TotalTaxAmount ?? 0)) > purchase.OrderLines.Count)
            return "Bad value: order_tax_amount";
        return null;
    }

    public static string? ShippingInfoError(IReadOnlyList<KlarnaShippingInfo>? infos)
    {
        foreach (var info in infos ?? [])
        {
            (string Name, string? Value, int Max)[] fields =
            [
                ("shipping_company", info.ShippingCompany, 100), ("tracking_number", info.TrackingNumber, 100), ("tracking_uri", info.TrackingUri, 1024),
                ("return_shipping_company", info.ReturnShippingCompany, 100), ("return_tracking_number", info.ReturnTrackingNumber, 100),
                ("return_tracking_uri", info.ReturnTrackingUri, 1024),
            ];
            if (fields.FirstOrDefault(f => f.Value?.Length > f.Max) is { Name: { } name, Max: var max })
                return $"The size of the shipping_info/{name} value must be between 0 and {max}";
        }
        return null;
    }
}
