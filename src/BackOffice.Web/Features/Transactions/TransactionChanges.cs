namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// Tells open pages of this app instance at once that a transaction changed (an action started, ended or was
/// reconciled). Pages also look at the transaction's version every second, which covers other instances.
/// </summary>
public sealed class TransactionChanges
{
    public event Action<Guid>? Changed;

    public void Notify(Guid transactionId) => Changed?.Invoke(transactionId);
}
