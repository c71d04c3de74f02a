using BackOffice.Web.Data;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>The orders Klarna settled by virtual cards: the list filters by them, the CSV names them, the overview counts them.</summary>
public sealed class VirtualCardMark : ITransactionMark
{
    public string Key => "virtual-card";

    public string Name => "Settled by virtual card";

    public IQueryable<Guid> Marked(BackOfficeDbContext db) =>
        db.CardSettlements.Where(s => s.State == CardSettlementState.Issued).Select(s => s.TransactionId);
}
