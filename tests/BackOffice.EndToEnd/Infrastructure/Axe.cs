using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BackOffice.EndToEnd.Infrastructure;

public static class Axe
{
    /// <summary>
    /// Serious and critical violations, one line each with where they are. Colours are judged once every finite
    /// transition has ended: a button caught mid-way from the light theme to the dark one has no contrast to speak of.
    /// </summary>
    /// <param name="coloursOnly">
    /// Only the colour contrast: a page's structure is the same in every theme and language, so the whole rule set runs
    /// once per page and the colours again for each theme and language.
    /// </param>
    public static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where, bool coloursOnly = false)
    {
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)");
        var result = coloursOnly
            ? await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "rule", Values = ["color-contrast"] } })
            : await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Select(n => $"{where}: {v.Id} ({v.Impact}) {v.Help} at {n.Target}: {n.Html}"));
    }
}
