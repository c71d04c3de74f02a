using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Users;

/// <summary>
/// A page keeps the principal of its sign-in for its lifetime; services ask the database instead. A user demoted, locked
/// or deactivated a moment ago is refused the next action from the page still open, the refusal is audited, and the
/// provider is never called.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class CurrentRoleTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();
    private SandboxControlClient sandbox = null!;

    public Task InitializeAsync()
    {
        sandbox = app.StartOnLoopback().KlarnaSandbox;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string, string> Changes => new()
    {
        { "demote", "Your role was changed to Viewer" },
        { "lock", "Your account is locked" },
        { "deactivate", "Your account was deactivated" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task An_operator_changed_a_moment_ago_is_refused_the_next_capture_from_the_open_page_and_klarna_is_not_called(string change, string refusal)
    {
        var (id, _) = await DemoReservations.ReserveAsync(app);
        var open = app.Staff(Roles.Operator, "dora@test.local");
        var userId = open.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value;

        await Administration(change switch
        {
            "demote" => a => a.ChangeRoleAsync(Admin, userId, Roles.Viewer),
            "lock" => a => a.LockAsync(Admin, userId),
            _ => a => a.DeactivateAsync(Admin, userId),
        });
        var refused = await Assert.ThrowsAsync<AccessRefusedException>(() => app.Service<TransactionService>().CaptureAsync(open, id, CaptureRequest.Remaining()));

        Assert.Contains(refusal, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await sandbox.CallsAsync("activate"));
        await using var db = await Database();
        Assert.Equal(TransactionState.Authorized, (await db.Transactions.SingleAsync(t => t.Id == id)).State);
        Assert.Empty(await db.Operations.Where(o => o.TransactionId == id).ToListAsync());
        var audited = Assert.Single(await db.AuditEntries.Where(e => e.Action == "Access refused").ToListAsync());
        Assert.Equal(("dora@test.local", false), (audited.User, audited.Succeeded));
        Assert.Contains("Capture", audited.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_demoted_administrator_changes_no_setting_from_the_open_page()
    {
        var open = app.Staff(Roles.Administrator, "ada@test.local");
        await Administration(a => a.ChangeRoleAsync(Admin, open.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, Roles.Operator));

        await Assert.ThrowsAsync<AccessRefusedException>(() => app.Service<ChannelService>().CreateAsync(open, "sneaky", "Sneaky"));

        await using var db = await Database();
        Assert.False(await db.Channels.AnyAsync(c => c.Code == "sneaky"));
        Assert.Contains("Your role was changed to Operator", Assert.Single(await db.AuditEntries.Where(e => e.Action == "Access refused").ToListAsync()).Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_whose_role_still_allows_it_captures()
    {
        var (id, _) = await DemoReservations.ReserveAsync(app);

        var outcome = await app.Service<TransactionService>().CaptureAsync(app.Staff(Roles.Operator, "otto@test.local"), id, CaptureRequest.Remaining());

        Assert.True(outcome.Succeeded, outcome.Message.ToString());
        Assert.Equal(1, await sandbox.CallsAsync("activate"));
    }

    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "boss@test.local");

    private async Task Administration(Func<UserAdministration, Task> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    private Task<BackOfficeDbContext> Database() => app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
}
