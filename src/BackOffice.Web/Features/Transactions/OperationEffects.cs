namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// How an operation Klarna carried out changes the books. The one step shared by an action that got its answer and
/// by the reconciliation of one that did not: both apply what the operation row records, nothing else.
/// </summary>
public static class OperationEffects
{
    /// <summary>Applies <paramref name="operation"/>; answers what it did in words, and the invoice a capture made.</summary>
    public static (Message Message, Invoice? NewInvoice) Apply(Transaction transaction, Invoice? invoice, Operation operation, DateTimeOffset at)
    {
        var amount = operation.Amount ?? 0;
        switch (operation.Kind)
        {
            case OperationKind.Capture:
                var number = operation.InvoiceNumber ?? throw new BusinessRuleException("A capture needs the invoice number Klarna gave it.");
                var lines = operation.Articles.Select(a => InvoiceLine(transaction, a.ArticleNumber, a.Quantity)).ToList();
                transaction.Capture(operation.SplitReference ?? operation.Reference!, amount, operation.Articles);
                var made = new Invoice(transaction.Id, number, transaction.Currency, amount, lines, at);
                if (operation.Sets is not ReleaseRest)
                    return (new Message("Captured {0}; invoice {1}.", new Amount(amount, transaction.Currency), number), made);
                var released = transaction.RemainingAmount;
                transaction.Release(operation.Reference!);
                return (new Message("Captured {0}; invoice {1}. The remaining {2} is released.", new Amount(amount, transaction.Currency), number, new Amount(released, transaction.Currency)), made);
            case OperationKind.Reduce:
                transaction.Reduce(amount);
                return (new Message("The reservation is now {0}.", new Amount(amount, transaction.Currency)), null);
            case OperationKind.EditLines:
                transaction.EditLines(operation.Articles);
                return (new Message("The order lines are changed; the reservation is now {0}.", new Amount(amount, transaction.Currency)), null);
            case OperationKind.Cancel:
                transaction.Release(operation.Reference!);
                return (new Message("Cancelled reservation {0}; {1} released.", operation.Reference, new Amount(amount, transaction.Currency)), null);
            case OperationKind.Refund:
                var target = invoice ?? throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", operation.InvoiceNumber);
                target.Refund(amount, operation.Articles);
                transaction.Refund(amount);
                return (new Message("Refunded {0} on invoice {1}.", new Amount(amount, transaction.Currency), target.InvoiceNumber), null);
            case OperationKind.ResendInvoice:
                return (new Message("Invoice {0} sent again.", operation.InvoiceNumber), null);
            case OperationKind.ExtendExpiry:
                if (operation.NewExpiry is not { } expiry)
                    return (new Message("Reservation {0} was extended; Klarna's new expiry date is not known here.", operation.Reference), null);
                if (operation.Reference == transaction.Reference)
                    transaction.ExtendExpiry(expiry);
                return (new Message("Reservation {0} now expires {1:yyyy-MM-dd HH:mm} UTC.", operation.Reference, expiry.UtcDateTime), null);
            case OperationKind.ChangeAddress:
                var addresses = operation.Sets as NewAddresses ?? throw new BusinessRuleException("The operation does not say which addresses it set.");
                transaction.ChangeAddresses(addresses.Billing, addresses.Shipping);
                return (new Message("The billing and shipping address are changed at Klarna: {0}, {1} {2}.", addresses.Billing.Street, addresses.Billing.PostalCode, addresses.Billing.City), null);
            case OperationKind.ChangeOrderNumber:
                var previous = transaction.OrderNumber;
                transaction.ChangeOrderNumber((operation.Sets as NewOrderNumber)?.OrderNumber ?? throw new BusinessRuleException("The operation does not say which order number it set."));
                return (new Message("Order {0} is now order {1}.", previous, transaction.OrderNumber), null);
            case OperationKind.ExtendDueDate:
                var extended = invoice ?? throw new BusinessRuleException("Invoice {0} is not one of this transaction's.", operation.InvoiceNumber);
                if (operation.NewDueDate is not { } due)
                    return (new Message("The due date of invoice {0} was moved by {1} days; Klarna's new date is not known here.", extended.InvoiceNumber, (operation.Sets as DueDateMove)?.Days), null);
                extended.ExtendDueDate(due);
                return (new Message("Invoice {0} is now due {1:yyyy-MM-dd}.", extended.InvoiceNumber, due), null);
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
