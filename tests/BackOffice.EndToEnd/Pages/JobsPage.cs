using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Pages;

public sealed class JobsPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("jobs");
        await new ShellPage(page).WaitUntilInteractiveAsync();
    }

    public async Task EnableAsync(string cron)
    {
        await page.GetByLabel("Enabled").CheckAsync();
        await page.GetByLabel("Cron expression").FillAsync(cron);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("Scheduled");
    }

    public async Task RunNowAsync() => await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

    /// <summary>The page shows the run by itself once it has ended: no Refresh is clicked.</summary>
    public async Task ExpectRunAsync(int checkedCount, int changed)
    {
        await Expect(page.GetByTestId("run-checked").First).ToHaveTextAsync(checkedCount.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-changed").First).ToHaveTextAsync(changed.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Opens the newest run's list of changed transactions.</summary>
    public async Task<ILocator> OpenRunChangesAsync()
    {
        await page.GetByTestId("run-changed").First.GetByRole(AriaRole.Button).ClickAsync();
        return page.GetByTestId("run-changes").First;
    }
}
