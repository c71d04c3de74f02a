using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// The money invariant, checked: for an order, what the back office's books say against what Klarna (the sandbox)
/// holds: every reservation (the main one and any split off it) with what it still reserves, and every invoice with
/// its amount and what was credited on it.
/// </summary>
public static class Books
{
    /// <summary>The differences between the books and Klarna, in words; empty when they agree.</summary>
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(IDbContextFactory<BackOfficeDbContext> databases, SandboxControlClient klarna, Guid transactionId)
    {
        await using var db = await databases.CreateDbContextAsync();
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == transactionId).ToListAsync();
        var order = await klarna.OrderAsync(transaction.OrderNumber);
        var problems = new List<string>();
        var ours = new Dictionary<string, long> { [transaction.Reference] = transaction.MainOpenAmount };
        foreach (var split in transaction.Splits)
            ours[split.ReservationNumber] = split.State == SplitState.Open ? split.Amount : 0;
        foreach (var reservation in order)
        {
            if (!ours.Remove(reservation.ReservationNumber, out var reserved))
                problems.Add($"Klarna has reservation {reservation.ReservationNumber} ({reservation.Amount} reserved) that the books do not know.");
            else if (reserved != reservation.Amount)
                problems.Add($"Reservation {reservation.ReservationNumber}: the books say {reserved} reserved, Klarna {reservation.Amount}.");
        }
        problems.AddRange(ours.Where(o => o.Value != 0).Select(o => $"The books have {o.Value} reserved in {o.Key}, which Klarna does not know."));

        var klarnaInvoices = order.SelectMany(r => r.Invoices).ToDictionary(i => i.InvoiceNumber);
        foreach (var invoice in invoices)
        {
            if (!klarnaInvoices.Remove(invoice.InvoiceNumber, out var theirs))
                problems.Add($"The books have invoice {invoice.InvoiceNumber} that Klarna does not know.");
            else if ((invoice.Amount, invoice.RefundedAmount) != (theirs.Amount, theirs.Credited))
                problems.Add($"Invoice {invoice.InvoiceNumber}: the books say {invoice.Amount} with {invoice.RefundedAmount} refunded, Klarna {theirs.Amount} with {theirs.Credited} credited.");
            else if (invoice.DueDate is { } due && due != theirs.DueDate)
                problems.Add($"Invoice {invoice.InvoiceNumber}: the books say it is due {due}, Klarna {theirs.DueDate}.");
        }
        problems.AddRange(klarnaInvoices.Keys.Select(number => $"Klarna has invoice {number} that the books do not know."));
        if (transaction.CapturedAmount != invoices.Sum(i => i.Amount) || transaction.RefundedAmount != invoices.Sum(i => i.RefundedAmount))
            problems.Add($"The transaction says {transaction.CapturedAmount} captured and {transaction.RefundedAmount} refunded; its invoices {invoices.Sum(i => i.Amount)} and {invoices.Sum(i => i.RefundedAmount)}.");
        return problems;
    }

    public static async Task AssertAgreeAsync(IDbContextFactory<BackOfficeDbContext> databases, SandboxControlClient klarna, Guid transactionId)
    {
        var problems = await DisagreementsAsync(databases, klarna, transactionId);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
