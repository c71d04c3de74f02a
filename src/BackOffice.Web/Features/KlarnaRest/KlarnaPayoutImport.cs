using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>
/// KlarnaPayoutImport: once a day, imports the last week's payouts of every channel whose Klarna Payments (direct)
/// service is enabled (a payout already imported is skipped, so a week back catches a day the job missed). Counts
/// channels, not transactions: a channel whose payouts cannot be read is a failure with Klarna's reason.
/// </summary>
public sealed class KlarnaPayoutImport(IDbContextFactory<BackOfficeDbContext> databases, TransactionSweeps sweeps, KlarnaPayouts payouts) : IRecurringJob
{
    public const string JobId = "KlarnaPayoutImport";
    public const int DaysBack = 7;

    public string Id => JobId;

    public Message Description { get; } = new("Imports the last week's Klarna payouts of every channel with Klarna Payments (direct) and matches them to the books.");

    public bool ListsTransactions => false;

    public JobSettings DefaultSettings() => new(JobId, enabled: true, cron: "0 6 * * *");

    public Task<JobRun?> RunAsync(string trigger, CancellationToken cancellationToken) => sweeps.RunAsync(this, trigger, async sweep =>
    {
        List<string> channels;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            channels = await (from s in db.KlarnaRestServices where s.Enabled join c in db.Channels on s.ChannelId equals c.Id orderby c.Code select c.Code).ToListAsync(cancellationToken);
        }
        foreach (var channel in channels)
        {
            try
            {
                sweep.Count(await payouts.ImportAsync(KlarnaPayouts.SystemUser, channel, DaysBack, cancellationToken) > 0);
            }
            catch (BusinessRuleException e)
            {
                sweep.Fail(channel, e.Message);
            }
        }
    }, cancellationToken);
}
