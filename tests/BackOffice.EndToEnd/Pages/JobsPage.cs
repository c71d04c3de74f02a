using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

/// <summary>The Jobs page; each job's settings and runs are in a card of their own (the status poll's unless told).</summary>
public sealed class JobsPage(IPage page, string job = "KlarnaCheckOrderStatus")
{
    private ILocator Card => page.GetByTestId($"job-{job}");

    public async Task GotoAsync()
    {
        await page.GotoAsync("jobs");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public async Task EnableAsync(string cron)
    {
        await Card.GetByLabel("Enabled").CheckAsync();
        await Card.GetByLabel("Cron expression").FillAsync(cron);
        await Card.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(Card.GetByTestId("job-state")).ToHaveTextAsync("Scheduled");
    }

    public ILocator NextRun => Card.GetByTestId("next-run");

    public async Task RunNowAsync() => await Card.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

    /// <summary>The page shows the run by itself once it has ended: no Refresh is clicked.</summary>
    public async Task ExpectRunAsync(int checkedCount, int changed)
    {
        await Expect(Card.GetByTestId("run-checked").First).ToHaveTextAsync(checkedCount.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await Expect(Card.GetByTestId("run-changed").First).ToHaveTextAsync(changed.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Opens the newest run's list of changed transactions.</summary>
    public async Task<ILocator> OpenRunChangesAsync()
    {
        await Card.GetByTestId("run-changed").First.GetByRole(AriaRole.Button).ClickAsync();
        return Card.GetByTestId("run-changes").First;
    }
}
