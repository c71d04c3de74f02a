using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace BackOffice.EndToEnd.Infrastructure;

public static class Axe
{
    private static readonly string Source = new BundledAxeScriptProvider().GetScript();

    /// <summary>
    /// Serious and critical violations, one line each with where they are. Colours are judged once every finite
    /// transition in what is checked has ended: a button caught mid-way from the light theme to the dark one has no
    /// contrast to speak of.
    /// </summary>
    /// <remarks>
    /// axe-core runs in the page itself, put there once per document: the package's own runner puts it there on every
    /// run and finishes each run in a new browser page, which made the sweeps three times as slow.
    /// </remarks>
    /// <param name="coloursOnly">
    /// Only the colour contrast: a page's structure is the same in every theme and language, so the whole rule set runs
    /// once per page and the colours again for each theme and language.
    /// </param>
    /// <param name="within">
    /// A selector for the part to check, such as an open dialog, whose page was checked without it. Only its own
    /// transitions are waited for: the ripple of the button that opened it, behind the overlay, took most of a second.
    /// </param>
    public static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string where, bool coloursOnly = false, string? within = null)
    {
        await page.WaitForFunctionAsync("""
            within => {
              const scope = within ? document.querySelector(within) : document.documentElement;
              return document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity
                || !(scope && scope.contains(a.effect?.target ?? null)));
            }
            """, within);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync($"() => {{ {Source} }}");
        var violations = await page.EvaluateAsync<JsonElement>("""
            async ([coloursOnly, within]) => {
              const options = coloursOnly ? { runOnly: { type: 'rule', values: ['color-contrast'] } } : {};
              const result = await axe.run(within ? document.querySelector(within) : document, { ...options, resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}) ${v.help} at ${n.target.join(' ')}: ${n.html}`));
            }
            """, new object?[] { coloursOnly, within });
        return violations.EnumerateArray().Select(v => $"{where}: {v.GetString()}").ToList();
    }
}
