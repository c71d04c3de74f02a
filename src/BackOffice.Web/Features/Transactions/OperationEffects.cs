namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// How an operation Klarna carried out changes the books. The one step shared by an action that got its answer and
/// by the reconciliation of one that did not: both apply what the operation row records, nothing else.
/// </summary>
public static class OperationEffects
{
    /// <summary>Applies <paramref name="operation"/>; answers what it did in words, and the invoice a capture made.</summary>
    public static (string Message, Invoice? NewInvoice) Apply(Transaction transaction, Invoice? invoice, Operation operation, DateTimeOffset at)
    {
        var amount = operation.Amount ?? 0;
        switch (operation.Kind)
        {
            case OperationKind.Capture:
                var number = operation.InvoiceNumber ?? throw new BusinessRuleException("A capture needs the invoice number Klarna gave it.");
                var lines = operation.Articles.Select(a => InvoiceLine(transaction, a.ArticleNumber, a.Quantity)).ToList();
                transaction.Capture(operation.SplitReservationNumber ?? operation.ReservationNumber!, amount, operation.Articles);
                return ($"Captured {Money.Format(amount, transaction.Currency)}; invoice {number}.",
                    new Invoice(transaction.Id, number, transaction.Currency, amount, lines, at));
            case OperationKind.Reduce:
                transaction.Reduce(amount);
                return ($"The reservation is now {Money.Format(amount, transaction.Currency)}.", null);
            case OperationKind.EditLines:
                transaction.EditLines(operation.Articles);
                return ($"The order lines are changed; the reservation is now {Money.Format(amount, transaction.Currency)}.", null);
            case OperationKind.Cancel:
                transaction.Release(operation.ReservationNumber!);
                return ($"Cancelled reservation {operation.ReservationNumber}; {Money.Format(amount, transaction.Currency)} released.", null);
            case OperationKind.Refund:
                var target = invoice ?? throw new BusinessRuleException($"Invoice {operation.InvoiceNumber} is not one of this transaction's.");
                target.Refund(amount, operation.Articles);
                transaction.Refund(amount);
                return ($"Refunded {Money.Format(amount, transaction.Currency)} on invoice {target.InvoiceNumber}.", null);
            case OperationKind.ResendInvoice:
                return ($"Invoice {operation.InvoiceNumber} sent again.", null);
            case OperationKind.ExtendExpiry:
                if (operation.NewExpiry is not { } expiry)
                    return ($"Reservation {operation.ReservationNumber} was extended; Klarna's new expiry date is not known here.", null);
                if (operation.ReservationNumber == transaction.ReservationNumber)
                    transaction.ExtendExpiry(expiry);
                return ($"Reservation {operation.ReservationNumber} now expires {expiry.UtcDateTime:yyyy-MM-dd HH:mm} UTC.", null);
            case OperationKind.ChangeAddress:
                var addresses = AddressChange.Read(operation.Change);
                transaction.ChangeAddresses(addresses.Billing, addresses.Shipping);
                return ($"The billing and shipping address are changed at Klarna: {addresses.Billing.Street}, {addresses.Billing.PostalCode} {addresses.Billing.City}.", null);
            case OperationKind.ChangeOrderNumber:
                var previous = transaction.OrderNumber;
                transaction.ChangeOrderNumber(operation.Change ?? throw new BusinessRuleException("The operation does not say which order number it set."));
                return ($"Order {previous} is now order {transaction.OrderNumber}.", null);
            case OperationKind.ExtendDueDate:
                var extended = invoice ?? throw new BusinessRuleException($"Invoice {operation.InvoiceNumber} is not one of this transaction's.");
                if (operation.NewDueDate is not { } due)
                    return ($"The due date of invoice {extended.InvoiceNumber} was moved by {operation.Change} days; Klarna's new date is not known here.", null);
                extended.ExtendDueDate(due);
                return ($"Invoice {extended.InvoiceNumber} is now due {due:yyyy-MM-dd}.", null);
            default:
                throw new InvalidOperationException($"{operation.Kind} changes no books.");
        }
    }

    private static InvoiceLine InvoiceLine(Transaction transaction, string articleNumber, int quantity)
    {
        var line = transaction.Lines.First(l => l.ArticleNumber == articleNumber);
        return new InvoiceLine(line.ArticleNumber, line.Title, quantity, line.UnitPrice, line.VatPercent);
    }
}
