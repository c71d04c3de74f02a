using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Tests.TestProvider;

/// <summary>What TestPay holds for one payment, in minor units.</summary>
public sealed record TestPayPayment(long Authorized, long Captured = 0, long Refunded = 0, long Released = 0);

/// <summary>A fault TestPay can be told to give the next call of one kind.</summary>
public enum TestPayFault
{
    /// <summary>Refused before anything was done.</summary>
    Refused,

    /// <summary>Never reached.</summary>
    Unreachable,

    /// <summary>Carried out, but the answer never arrives: the outcome is unknown.</summary>
    AnswerLost,

    /// <summary>Lost on the way: not carried out, and no answer either; the outcome is unknown.</summary>
    RequestLost,
}

/// <summary>
/// TestPay's side: each payment, each request it carried out (by operation, so that a second execution is counted),
/// and the faults it is told to give, each only to the call it targets.
/// </summary>
public sealed class TestPayLedger
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TestPayPayment> payments = [];
    private readonly Dictionary<Guid, (int Executions, ActionAnswer Answer, OperationKind Kind)> requests = [];
    private readonly Dictionary<OperationKind, TestPayFault> faults = [];
    private int invoices;

    public int FaultsHit { get; private set; }

    public void Authorize(string reference, long amount)
    {
        lock (gate)
            payments[reference] = new TestPayPayment(amount);
    }

    /// <summary>A sale taken in full at once.</summary>
    public void Sell(string reference, long amount)
    {
        lock (gate)
            payments[reference] = new TestPayPayment(amount, Captured: amount);
    }

    public TestPayPayment Payment(string reference)
    {
        lock (gate)
            return payments[reference];
    }

    /// <summary>Every request carried out more than once.</summary>
    public IReadOnlyList<string> DoubleExecutions()
    {
        lock (gate)
            return [.. requests.Where(r => r.Value.Executions > 1).Select(r => $"{r.Value.Kind} {r.Key} carried out {r.Value.Executions} times")];
    }

    public void FailNext(OperationKind kind, TestPayFault fault)
    {
        lock (gate)
            faults[kind] = fault;
    }

    public void ClearFailures()
    {
        lock (gate)
            faults.Clear();
    }

    /// <summary>The operations whose request TestPay carried out.</summary>
    public IReadOnlySet<Guid> Executed()
    {
        lock (gate)
            return requests.Keys.ToHashSet();
    }

    public ActionAnswer? AnswerOf(Guid operationId)
    {
        lock (gate)
            return requests.TryGetValue(operationId, out var request) ? request.Answer : null;
    }

    public ActionAnswer Execute(Operation operation, string reference)
    {
        TestPayFault? fault;
        ActionAnswer answer;
        lock (gate)
        {
            fault = faults.Remove(operation.Kind, out var planned) ? planned : null;
            if (fault is not null)
                FaultsHit++;
            if (fault == TestPayFault.Refused)
                throw new ProviderRefusedException(new Message("TestPay refused."), 1, "refused");
            if (fault == TestPayFault.Unreachable)
                throw new ProviderUnreachableException(new Message("TestPay could not be reached."));
            if (fault == TestPayFault.RequestLost)
                throw new TimeoutException("TestPay never got the request.");
            var payment = payments[reference];
            var amount = operation.Amount!.Value;
            (payments[reference], answer) = operation.Kind switch
            {
                OperationKind.Capture => (payment with { Captured = payment.Captured + amount }, new ActionAnswer($"TP-{++invoices}")),
                OperationKind.Refund => (payment with { Refunded = payment.Refunded + amount }, new ActionAnswer(operation.InvoiceNumber)),
                OperationKind.Cancel => (payment with { Released = payment.Released + amount }, new ActionAnswer()),
                _ => throw new InvalidOperationException($"TestPay does not do {operation.Kind}."),
            };
            requests[operation.Id] = (requests.GetValueOrDefault(operation.Id).Executions + 1, answer, operation.Kind);
        }
        return fault == TestPayFault.AnswerLost ? throw new TimeoutException("TestPay's answer was lost.") : answer;
    }
}
