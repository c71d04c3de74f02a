using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Tests.Infrastructure;

public static class ReservationOutcomes
{
    /// <summary>The transaction a reservation stored; fails the test for any other outcome.</summary>
    public static async Task<Transaction> StoredAsync(this Task<ReservationOutcome> reservation)
    {
        var outcome = await reservation;
        Assert.True(outcome is ReservationOutcome.Stored, $"Not stored: {outcome}");
        return ((ReservationOutcome.Stored)outcome).Transaction;
    }
}
