using BackOffice.Web.Features.Jobs;

namespace BackOffice.Web.Tests.Features.Jobs;

public sealed class RunHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static JobRun Run(int minute, int checkedCount = 0, int changed = 0, int failed = 0, bool ended = true)
    {
        var run = new JobRun(JobSettings.CheckOrderStatus, "Scheduled", Start.AddMinutes(minute));
        if (ended)
            run.End(Start.AddMinutes(minute).AddSeconds(1), checkedCount, changed, failed, failed > 0 ? ["9119 timeout"] : [], []);
        return run;
    }

    [Fact]
    public void Empty_runs_in_a_row_share_one_line_and_runs_that_did_something_keep_their_own()
    {
        // Newest first, as the page lists them.
        JobRun[] runs = [Run(9), Run(8), Run(7), Run(6, checkedCount: 2, changed: 1), Run(5), Run(4, failed: 1), Run(3), Run(2)];

        var lines = RunHistory.Fold(runs);

        Assert.Equal([3, 1, 1, 1, 2], lines.Select(l => l.Count));
        Assert.Equal((Start.AddMinutes(9), Start.AddMinutes(7)), (lines[0].Newest.StartedAt, lines[0].Oldest.StartedAt));
        Assert.False(lines[1].IsFolded);
        Assert.Equal(2, lines[1].Newest.Checked);
        Assert.Equal(1, lines[3].Newest.Failed);
    }

    [Fact]
    public void A_run_still_under_way_is_never_folded()
    {
        var lines = RunHistory.Fold([Run(3, ended: false), Run(2), Run(1)]);

        Assert.Equal([1, 2], lines.Select(l => l.Count));
        Assert.Null(lines[0].Newest.EndedAt);
    }
}
