using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

    public Invoice(Guid transactionId, string invoiceNumber, string currency, long amount, IReadOnlyList<InvoiceLine> lines, DateTimeOffset capturedAt)
    {
        (TransactionId, InvoiceNumber, Currency, Amount, Lines, CapturedAt) = (transactionId, invoiceNumber, currency, amount, [.. lines], capturedAt);
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TransactionId { get; private set; }
    public string InvoiceNumber { get; private set; } = "";
    public string Currency { get; private set; } = "";
    public long Amount { get; private set; }
    public List<InvoiceLine> Lines { get; private set; } = [];
    public DateTimeOffset CapturedAt { get; private set; }
    public long RefundedAmount { get; private set; }

    /// <summary>When the customer has to pay, as Klarna last told it (after an extension); null while not known here.</summary>
    public DateOnly? DueDate { get; private set; }

    public void ExtendDueDate(DateOnly dueDate) => DueDate = dueDate;

    public long RefundableAmount => Amount - RefundedAmount;

    /// <summary>Klarna keeps an invoice downloadable for 30 days after capture.</summary>
    public bool IsDownloadable(DateTimeOffset now) => now < CapturedAt.AddDays(30);

    public Message? RefundError(long amount) =>
        amount <= 0 ? new Message("Refund more than nothing.")
        : amount > RefundableAmount ? new Message("At most {0} is left to refund on invoice {1}.", new Amount(RefundableAmount, Currency), InvoiceNumber)
        : null;

    /// <summary>The amount of crediting these line quantities, or why it cannot be done.</summary>
    public (long Amount, Message? Error) LineRefund(IReadOnlyList<LineQuantity> articles)
    {
        long amount = 0;
        foreach (var article in articles)
        {
            var line = Lines.FirstOrDefault(l => l.ArticleNumber == article.ArticleNumber);
            if (line is null)
                return (0, new Message("Article {0} is not on invoice {1}.", article.ArticleNumber, InvoiceNumber));
            if (article.Quantity <= 0 || article.Quantity > line.Quantity - line.RefundedQuantity)
                return (0, new Message("At most {0} of {1} can be refunded.", line.Quantity - line.RefundedQuantity, article.ArticleNumber));
            amount = checked(amount + article.Quantity * line.UnitPrice);
        }
        return articles.Count == 0 ? (0, new Message("Choose what to refund."))
            : articles.Select(a => a.ArticleNumber).Distinct(StringComparer.Ordinal).Count() < articles.Count ? (0, new Message("An article is listed twice."))
            : (amount, RefundError(amount));
    }

    /// <summary>The lines not refunded yet, when they are exactly what is left on the invoice; otherwise none are known.</summary>
    public IReadOnlyList<LineQuantity> UnrefundedLines()
    {
        var left = Lines.Where(l => l.Quantity > l.RefundedQuantity).ToList();
        return left.Sum(l => (long)(l.Quantity - l.RefundedQuantity) * l.UnitPrice) == RefundableAmount
            ? [.. left.Select(l => new LineQuantity(l.ArticleNumber, l.Quantity - l.RefundedQuantity))]
            : [];
    }

    public void Refund(long amount, IReadOnlyList<LineQuantity> articles)
    {
        if (RefundError(amount) is { } error)
            throw new BusinessRuleException(error);
        RefundedAmount += amount;
        Lines = [.. Lines.Select(l => l with { RefundedQuantity = l.RefundedQuantity + articles.Where(a => a.ArticleNumber == l.ArticleNumber).Sum(a => a.Quantity) })];
    }
}

/// <summary>How <see cref="Invoice"/> is kept.</summary>
internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> invoice)
    {
        invoice.HasOne<Transaction>().WithMany().HasForeignKey(i => i.TransactionId).OnDelete(DeleteBehavior.Restrict);
        invoice.HasIndex(i => i.InvoiceNumber).IsUnique();
        // The overview's captures of the last 30 days, read from the index alone.
        invoice.HasIndex(i => new { i.CapturedAt, i.Currency, i.Amount });
        invoice.Property(i => i.InvoiceNumber).HasMaxLength(40);
        invoice.Property(i => i.Currency).HasMaxLength(3);
        invoice.Ignore(i => i.RefundableAmount);
        invoice.ComplexCollection(i => i.Lines, lines => lines.ToJson());
    }
}
