using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BackOffice.EndToEnd.Infrastructure;

public static class Axe
{
    /// <summary>
    /// Serious and critical violations, one line each with where they are. Colours are judged once every finite
    /// transition has ended: a button caught mid-way from the light theme to the dark one has no contrast to speak of.
    /// </summary>
    public static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where)
    {
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)");
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Select(n => $"{where}: {v.Id} ({v.Impact}) {v.Help} at {n.Target}: {n.Html}"));
    }
}
