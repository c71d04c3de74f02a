using BackOffice.EndToEnd.Infrastructure;
using BackOffice.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackOffice.EndToEnd.Journeys;

[Collection(BrowserCollection.Name)]
public sealed class JobJourneyTests(BrowserAppFixture app)
{
    [Fact]
    public async Task An_administrator_schedules_the_status_job_runs_it_now_and_a_pending_order_is_authorized()
    {
        var id = await app.ReserveAsync("E2E-PENDING-1", "pending_accepted@klarna.com");
        await app.Sandbox.ResolveAsync(await app.ReservationNumberAsync(id), BackOffice.Klarna.OrderStatus.Accepted);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsAdministratorAsync();
        var jobs = new JobsPage(page);

        await jobs.GotoAsync();
        await jobs.EnableAsync("*/10 * * * *");
        await Expect(jobs.NextRun).Not.ToHaveTextAsync("not scheduled");
        await jobs.RunNowAsync();
        await jobs.ExpectRunAsync(checkedCount: 1, changed: 1);
        var changes = await jobs.OpenRunChangesAsync();
        await Expect(changes).ToContainTextAsync("E2E-PENDING-1: Pending → Authorized");

        await changes.GetByRole(AriaRole.Link, new() { Name = "E2E-PENDING-1" }).ClickAsync();
        await page.WaitForURLAsync($"**/transactions/{id}");
        await new ShellPage(page).WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Authorized");
        await Expect(page.GetByTestId("operation").First).ToContainTextAsync("Klarna: Accepted; now Authorized");
    }
}
