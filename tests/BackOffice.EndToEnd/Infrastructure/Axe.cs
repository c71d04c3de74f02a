using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BackOffice.EndToEnd.Infrastructure;

public static class Axe
{
    /// <summary>Serious and critical violations, one line each with where they are.</summary>
    public static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Select(n => $"{where}: {v.Id} ({v.Impact}) {v.Help} at {n.Target}: {n.Html}"));
    }
}
