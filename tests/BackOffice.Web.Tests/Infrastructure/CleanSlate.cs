using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// For test classes that share one app: what the test before stored goes, so that each test's assertions over a whole
/// table (nothing stored, a single audit entry) are about its own doing.
/// </summary>
public static class CleanSlate
{
    /// <summary>Every transaction with its operations, invoices and pending cancellations (which do not cascade).</summary>
    public static async Task DeleteTransactionsAsync(this BackOfficeDbContext db)
    {
        await db.Operations.ExecuteDeleteAsync();
        await db.Invoices.ExecuteDeleteAsync();
        await db.PendingCancellations.ExecuteDeleteAsync();
        await db.Transactions.ExecuteDeleteAsync();
    }
}
