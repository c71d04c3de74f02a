
namespace BackOffice.Web.Features.Transactions;

/// <summary>What an operation will cover, decided from the books before anything is sent.</summary>
public sealed record OperationPlan(OperationScope Scope, string? Reference, long? Amount, IReadOnlyList<LineQuantity> Lines, int Calls = 1, OperationChange? Change = null);

/// <summary>
/// What the provider answered to a call that succeeded: the invoice a capture made, a new date, and the provider's id
/// of the step.
/// </summary>
public sealed record ActionAnswer(string? InvoiceNumber = null, DateTimeOffset? NewExpiry = null, DateOnly? NewDueDate = null, string? ProviderReference = null);

/// <summary>One money action: its rules and what it covers (<see cref="Plan"/>); its provider's adapter makes the call.</summary>
public abstract class MoneyAction(OperationKind kind, string reason = "")
{
    public OperationKind Kind { get; } = kind;

    public string Reason { get; } = reason.Trim();

    /// <summary>The invoice the action is about (refunds, resends).</summary>
    public virtual string? InvoiceNumber => null;

    /// <summary>Checks the rules against the books as they are and says what the operation covers; refuses with a <see cref="BusinessRuleException"/>.</summary>
    public abstract OperationPlan Plan(Transaction transaction, Invoice? invoice);

    protected static void Refuse(Message? error) => ActionPlans.Refuse(error);
}
