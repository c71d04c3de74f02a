namespace BackOffice.Web.Features.Transactions;

/// <summary>An invoice line; <see cref="RefundedQuantity"/> of its quantity was credited.</summary>
public sealed record InvoiceLine(string ArticleNumber, string Title, int Quantity, long UnitPrice, decimal VatPercent, int RefundedQuantity = 0)
{
    public long Total => checked(Quantity * UnitPrice);
}

/// <summary>What one capture produced at Klarna. Refunds are made against it.</summary>
public sealed class Invoice
{
    private Invoice()
    {
    }

    public Invoice(Guid transactionId, string invoiceNumber, long amount, IReadOnlyList<InvoiceLine> lines, DateTimeOffset capturedAt)
    {
        (TransactionId, InvoiceNumber, Amount, Lines, CapturedAt) = (transactionId, invoiceNumber, amount, [.. lines], capturedAt);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TransactionId { get; private set; }
    public string InvoiceNumber { get; private set; } = "";
    public long Amount { get; private set; }
    public List<InvoiceLine> Lines { get; private set; } = [];
    public DateTimeOffset CapturedAt { get; private set; }
    public long RefundedAmount { get; private set; }

    public long RefundableAmount => Amount - RefundedAmount;

    /// <summary>Klarna keeps an invoice downloadable for 30 days after capture.</summary>
    public bool IsDownloadable(DateTimeOffset now) => now < CapturedAt.AddDays(30);

    public string? RefundError(long amount) =>
        amount <= 0 ? "Refund more than nothing."
        : amount > RefundableAmount ? $"At most {RefundableAmount} is left to refund on invoice {InvoiceNumber}."
        : null;

    /// <summary>The amount of crediting these line quantities, or why it cannot be done.</summary>
    public (long Amount, string? Error) LineRefund(IReadOnlyList<BackOffice.Klarna.ArticleQuantity> articles)
    {
        long amount = 0;
        foreach (var article in articles)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == article.ArticleNumber);
            if (line is null)
                return (0, $"Article {article.ArticleNumber} is not on invoice {InvoiceNumber}.");
            if (article.Quantity <= 0 || article.Quantity > line.Quantity - line.RefundedQuantity)
                return (0, $"At most {line.Quantity - line.RefundedQuantity} of {article.ArticleNumber} can be refunded.");
            amount = checked(amount + article.Quantity * line.UnitPrice);
        }
        return articles.Count == 0 ? (0, "Choose what to refund.") : (amount, RefundError(amount));
    }

    public void Refund(long amount, IReadOnlyList<BackOffice.Klarna.ArticleQuantity> articles)
    {
        if (RefundError(amount) is { } error)
            throw new BusinessRuleException(error);
        RefundedAmount += amount;
        Lines = [.. Lines.Select(l => l with { RefundedQuantity = l.RefundedQuantity + articles.Where(a => a.ArticleNumber == l.ArticleNumber).Sum(a => a.Quantity) })];
    }
}
