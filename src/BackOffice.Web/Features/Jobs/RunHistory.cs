namespace BackOffice.Web.Features.Jobs;

/// <summary>One line of the runs table: a run, or several runs in a row that found nothing to do.</summary>
public sealed record RunLine(JobRun Newest, JobRun Oldest, int Count)
{
    public bool IsFolded => Count > 1;
}

/// <summary>A scheduled poll every minute that finds nothing would fill the list; such runs in a row share one line.</summary>
public static class RunHistory
{
    /// <summary>The lines for <paramref name="runs"/>, newest first.</summary>
    public static IReadOnlyList<RunLine> Fold(IReadOnlyList<JobRun> runs)
    {
        var lines = new List<RunLine>();
        foreach (var run in runs)
        {
            if (IsEmpty(run) && lines.Count > 0 && IsEmpty(lines[^1].Oldest))
                lines[^1] = lines[^1] with { Oldest = run, Count = lines[^1].Count + 1 };
            else
                lines.Add(new RunLine(run, run, 1));
        }
        return lines;
    }

    /// <summary>Ended, and checked, changed and failed nothing.</summary>
    public static bool IsEmpty(JobRun run) => run.EndedAt is not null && run.Checked == 0 && run.Changed == 0 && run.Failed == 0 && run.Errors.Length == 0;
}
