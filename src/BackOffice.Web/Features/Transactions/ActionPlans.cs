
namespace BackOffice.Web.Features.Transactions;

/// <summary>The rules of the actions every provider does alike, checked against the books before anything is sent.</summary>
public static class ActionPlans
{
    /// <summary>The most days an invoice's due date moves by at once.</summary>
    public const int MaximumDueDateDays = 30;

    public static Message? DueDateDaysError(int days) => days is < 1 or > MaximumDueDateDays ? new Message("A due date moves by 1 to {0} days.", MaximumDueDateDays) : null;

    /// <summary>New line quantities before a capture; the operation keeps every line's new quantity.</summary>
    public static OperationPlan EditLines(Transaction transaction, IReadOnlyList<LineQuantity> quantities)
    {
        var (amount, error) = transaction.LineEdit(quantities);
        Refuse(error);
        IReadOnlyList<LineQuantity> all = [.. transaction.Lines.Select(l => new LineQuantity(l.ArticleNumber,
            quantities.FirstOrDefault(q => q.ArticleNumber == l.ArticleNumber)?.Quantity ?? l.Quantity))];
        return new OperationPlan(OperationScope.Lines, transaction.Reference, amount, all);
    }

    /// <summary>A refund on one invoice: all that is left, line quantities or an amount.</summary>
    public static OperationPlan Refund(Transaction transaction, Invoice? invoice, string invoiceNumber, long? amount, IReadOnlyList<LineQuantity>? articles)
    {
        if (invoice is null)
            throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", invoiceNumber);
        if (articles is { Count: > 0 })
        {
            var (lineAmount, error) = invoice.LineRefund(articles);
            Refuse(error ?? transaction.RefundError(lineAmount));
            return new OperationPlan(OperationScope.Lines, null, lineAmount, articles);
        }
        var refund = amount ?? invoice.RefundableAmount;
        Refuse(invoice.RefundError(refund) ?? transaction.RefundError(refund));
        return refund == invoice.RefundableAmount
            ? new OperationPlan(OperationScope.Whole, null, refund, invoice.UnrefundedLines())
            : new OperationPlan(OperationScope.Amount, null, refund, []);
    }

    public static OperationPlan ResendInvoice(Invoice? invoice, string invoiceNumber) => invoice is null
        ? throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", invoiceNumber)
        : new OperationPlan(OperationScope.Whole, null, null, []);

    public static OperationPlan ChangeOrderNumber(Transaction transaction, Invoice? invoice, string orderNumber, string? latestInvoiceNumber)
    {
        Refuse(transaction.OrderNumberError(orderNumber));
        Refuse(latestInvoiceNumber is not null && invoice is null ? new Message("Invoice {0} is not one of this transaction's.", latestInvoiceNumber) : null);
        return new OperationPlan(OperationScope.Whole, transaction.Reference, null, [], Change: new NewOrderNumber(orderNumber));
    }

    public static void Refuse(Message? error)
    {
        if (error is not null)
            throw new BusinessRuleException(error);
    }
}
