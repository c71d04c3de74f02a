using System.Globalization;
using BackOffice.Computop;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.Computop;

/// <summary>How a transaction is named to Paygate: its PayID, the shop's TransID, the merchant's reference and the order lines.</summary>
public static class PaygateOrder
{
    public static string PayId(Transaction transaction) => transaction.Reference;

    public static string TransId(Transaction transaction) => transaction.ProviderOrderId ?? transaction.OrderNumber;

    /// <summary>The merchant's reference: the order number, as far as Paygate takes it (ans..30).</summary>
    public static string RefNr(Transaction transaction) => transaction.OrderNumber.Length <= 30 ? transaction.OrderNumber : transaction.OrderNumber[..30];

    /// <summary>The line quantities an operation covers, as Paygate's ArticleList; none when only an amount is known.</summary>
    public static string? ArticleList(Transaction transaction, IReadOnlyList<LineQuantity> quantities) => quantities.Count == 0 ? null
        : PaygateArticleList.Encode(quantities.Select(q => OrderLine(transaction.Lines.First(l => l.ArticleNumber == q.ArticleNumber), q.Quantity)));

    private static PaygateOrderLine OrderLine(TransactionLine line, int quantity) =>
        new(line.ArticleNumber, line.Title, quantity, line.UnitPrice, (int)(line.VatPercent * 100));
}

/// <summary>Everything a call to Paygate needs: its client and the transaction's merchant, read before the transaction was claimed.</summary>
public sealed record ComputopCall(ComputopClient Client, PaygateCredentials Credentials, Transaction Transaction, Invoice? Invoice, Operation Operation)
{
    public string PayId => PaygateOrder.PayId(Transaction);

    public string TransId => PaygateOrder.TransId(Transaction);

    /// <summary>The ReqId written on the operation before the first send; a repeat carries the same one.</summary>
    public string RequestId => Operation.RequestId ?? throw new InvalidOperationException($"Operation {Operation.Id} has no request ID.");

    public string RefNr => PaygateOrder.RefNr(Transaction);

    public string? ArticleList(IReadOnlyList<LineQuantity> quantities) => PaygateOrder.ArticleList(Transaction, quantities);
}

/// <summary>
/// A money action on Klarna Payments through Computop Paygate: its rules, and its call, which reads only the operation
/// row, so that a call of unknown outcome can be sent again exactly as it was (<see cref="SendingAgain"/>).
/// </summary>
public abstract class ComputopAction(OperationKind kind, string reason = "") : MoneyAction(kind, reason)
{
    public abstract Task<PaygateAnswer> SendAsync(ComputopCall call);

    /// <summary>The action that sends <paramref name="operation"/>'s call again, with its request ID.</summary>
    public static ComputopAction SendingAgain(Operation operation) => operation.Kind switch
    {
        OperationKind.Capture => new PaygateCapture(null, null, false),
        OperationKind.Cancel => new PaygateReverse(),
        OperationKind.Refund => new PaygateCredit(operation.InvoiceNumber!, null, null),
        OperationKind.EditLines => new PaygateChangeOrder([]),
        OperationKind.ChangeOrderNumber => new PaygateChangeReference(),
        OperationKind.ResendInvoice => new PaygateResendInvoice(operation.InvoiceNumber!),
        _ => throw new InvalidOperationException($"{operation.Kind} is not a Computop action."),
    };

    /// <summary>Sends the call and reads Paygate's answer: done, refused (nothing happened), or of unknown outcome.</summary>
    public async Task<ActionAnswer> CallAsync(ComputopCall call)
    {
        var answer = await SendAsync(call);
        return answer.Outcome switch
        {
            PaygateOutcome.Succeeded => new ActionAnswer(Kind == OperationKind.Capture ? answer.InvoiceNumber : InvoiceNumber, ProviderReference: answer.XId),
            PaygateOutcome.Refused => throw new ProviderRefusedException(
                new Message("Computop refused it: {0} (code {1}); nothing happened.", answer.Description ?? "", answer.Code ?? ""),
                int.TryParse(answer.Code, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0,
                $"{answer.Code} {answer.Description}"),
            PaygateOutcome.Pending => throw new ProviderPendingException(new Message(
                "Computop answered that it is pending ({0} {1}): its final status follows. Reconcile the transaction once Computop has decided; an inquiry shows whether it happened.",
                answer.Status ?? "", answer.Code ?? "")),
            _ => throw new ComputopOutcomeUnknownException(Kind.ToString(), $"Paygate answered {answer.Status} {answer.Code}, which says neither done nor refused"),
        };
    }
}

/// <summary>
/// Captures everything that remains, an amount or line quantities (<c>capture.aspx</c>); a final capture releases what
/// remains with it (<c>CompleteType=YES</c>).
/// </summary>
public sealed class PaygateCapture(long? amount, IReadOnlyList<LineQuantity>? lines, bool final, string reason = "") : ComputopAction(OperationKind.Capture, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        var (value, scope, covered) = (0L, OperationScope.Whole, (IReadOnlyList<LineQuantity>)[]);
        if (lines is { Count: > 0 })
        {
            (value, var error) = transaction.LineCapture(lines);
            Refuse(error);
            (scope, covered) = (OperationScope.Lines, lines);
        }
        else
        {
            Refuse(amount is { } requested ? transaction.CaptureError(requested) : transaction.CaptureRemainingError());
            value = amount ?? transaction.RemainingAmount;
            (scope, covered) = value == transaction.RemainingAmount ? (OperationScope.Whole, transaction.UncapturedLinesOfMain()) : (OperationScope.Amount, []);
        }
        Refuse(final && value == transaction.RemainingAmount ? new Message("Nothing would remain to release: capture everything instead.") : null);
        return new OperationPlan(scope, transaction.Reference, value, covered, Change: final ? new ReleaseRest() : null);
    }

    public override Task<PaygateAnswer> SendAsync(ComputopCall call) =>
        call.Client.CaptureAsync(call.Credentials, new BackOffice.Computop.CaptureRequest(call.PayId, call.TransId, call.Operation.Amount!.Value, call.Transaction.Currency, call.RequestId,
            call.RefNr, call.ArticleList(call.Operation.Articles), Complete: call.Operation.Sets is ReleaseRest));
}

/// <summary>Releases what remains authorized (<c>reverse.aspx</c>): all of it before a capture, the rest after a part capture.</summary>
public sealed class PaygateReverse(string reason = "") : ComputopAction(OperationKind.Cancel, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(transaction.CanCancel ? null : new Message("A {0} transaction cannot be cancelled.", transaction.State));
        return new OperationPlan(OperationScope.Whole, transaction.Reference, transaction.RemainingAmount, []);
    }

    public override Task<PaygateAnswer> SendAsync(ComputopCall call) =>
        call.Client.ReverseAsync(call.Credentials, new ReverseRequest(call.PayId, call.TransId, call.Operation.Amount!.Value, call.Transaction.Currency, call.RequestId, call.RefNr));
}

/// <summary>Refunds on one invoice (<c>credit.aspx</c>): all that is left of it, line quantities or an amount.</summary>
public sealed class PaygateCredit(string invoiceNumber, long? amount, IReadOnlyList<LineQuantity>? lines, string reason = "") : ComputopAction(OperationKind.Refund, reason)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.Refund(transaction, invoice, invoiceNumber, amount, lines);

    public override Task<PaygateAnswer> SendAsync(ComputopCall call) =>
        call.Client.CreditAsync(call.Credentials, new CreditRequest(call.PayId, call.TransId, call.Operation.Amount!.Value, call.Transaction.Currency, call.RequestId,
            call.RefNr, call.ArticleList(call.Operation.Articles)));
}

/// <summary>New line quantities before the first capture (<c>EventToken=UEO</c>): Klarna lowers the order to their total.</summary>
public sealed class PaygateChangeOrder(IReadOnlyList<LineQuantity> quantities, string reason = "") : ComputopAction(OperationKind.EditLines, reason)
{
    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.EditLines(transaction, quantities);

    public override Task<PaygateAnswer> SendAsync(ComputopCall call)
    {
        var kept = call.Operation.Articles.Where(a => a.Quantity > 0).ToList();
        return call.Client.ChangeOrderAsync(call.Credentials, call.PayId, call.TransId, call.Operation.Amount!.Value, call.Transaction.Currency,
            call.ArticleList(kept)!);
    }
}

/// <summary>The order number, before the first capture (<c>EventToken=UMR</c>, the merchant's reference).</summary>
public sealed class PaygateChangeReference(string orderNumber = "", string reason = "") : ComputopAction(OperationKind.ChangeOrderNumber, reason)
{
    private readonly string orderNumber = orderNumber.Trim();

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice)
    {
        Refuse(orderNumber.Length > 30 ? new Message("Computop keeps at most {0} characters of an order number.", 30) : null);
        return ActionPlans.ChangeOrderNumber(transaction, invoice, orderNumber, null);
    }

    public override Task<PaygateAnswer> SendAsync(ComputopCall call) => call.Client.ChangeReferenceAsync(call.Credentials, call.PayId, call.TransId, ((NewOrderNumber)call.Operation.Sets!).OrderNumber);
}

/// <summary>Has Klarna send a capture's invoice to the customer again (<c>EventToken=RCC</c>).</summary>
public sealed class PaygateResendInvoice(string invoiceNumber) : ComputopAction(OperationKind.ResendInvoice)
{
    public override string? InvoiceNumber => invoiceNumber;

    public override OperationPlan Plan(Transaction transaction, Invoice? invoice) => ActionPlans.ResendInvoice(invoice, invoiceNumber);

    public override Task<PaygateAnswer> SendAsync(ComputopCall call) => call.Client.ResendInvoiceAsync(call.Credentials, call.PayId, call.TransId, call.Operation.InvoiceNumber!);
}
