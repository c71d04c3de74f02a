using BackOffice.Web.Data;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// A mark a provider module puts on some of its orders (such as those it settled by virtual cards): the list filters by
/// it, the CSV export names it and the overview counts it, while the core knows only its key and name.
/// </summary>
public interface ITransactionMark
{
    /// <summary>How addresses and saved views name it ("virtual-card").</summary>
    string Key { get; }

    /// <summary>Its English name, the key of its translation.</summary>
    string Name { get; }

    /// <summary>The ids of the marked transactions, as a query the list's filter composes.</summary>
    IQueryable<Guid> Marked(BackOfficeDbContext db);
}
