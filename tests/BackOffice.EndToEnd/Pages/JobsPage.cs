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

    /// <summary>Refreshes until the newest run is listed with the expected counts.</summary>
    public async Task ExpectRunAsync(int checkedCount, int changed)
    {
        for (var attempt = 0; attempt < 30 && await page.GetByTestId("run-checked").CountAsync() == 0; attempt++)
        {
            await page.WaitForTimeoutAsync(500);
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        }
        await Expect(page.GetByTestId("run-checked").First).ToHaveTextAsync(checkedCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("run-changed").First).ToHaveTextAsync(changed.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
