using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.ECommPay;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.ECommPay;

/// <summary>A channel's Klarna (Sofort) service: settings and a write-only secret key, and Initialize against the mounted sandbox over HTTP.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class ECommPayServicesTests : IAsyncLifetime
{
    private readonly BackOfficeAppFactory app = new();


    public Task InitializeAsync() => app.StartWithECommPayAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ECommPayServices Services => app.Service<ECommPayServices>();

    private System.Security.Claims.ClaimsPrincipal Admin => app.Staff(Roles.Administrator, "admin@test.local");

    [Fact]
    public async Task Initialize_proves_project_and_key_and_tells_a_wrong_key_apart_and_the_key_is_kept_encrypted()
    {
        var worked = await Services.InitializeAsync(Admin, "demo");
        var view = await Services.FindAsync("demo");
        await Services.SaveAsync(Admin, "demo", view.Settings, "not-the-key", view.Version);
        var refused = await Services.InitializeAsync(Admin, "demo");

        Assert.True(worked.Succeeded, worked.Message.ToString());
        Assert.Equal((false, "ECommPay refused the signature ({0}): the secret key is not project {1}'s, or the project is not ECommPay's."), (refused.Succeeded, refused.Message.Key));
        Assert.Equal((false, ECommPayShop.ProjectId), (refused.Live, refused.ProjectId));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var stored = await (from s in db.ECommPayServices join c in db.Channels on s.ChannelId equals c.Id where c.Code == "demo" select s).AsNoTracking().SingleAsync();
        Assert.DoesNotContain("not-the-key", stored.ProtectedSecretKey, StringComparison.Ordinal);
        var details = await db.AuditEntries.AsNoTracking().Select(a => a.Details).ToListAsync();
        Assert.DoesNotContain(details, d => d.ToString().Contains("not-the-key", StringComparison.Ordinal) || d.ToString().Contains(ECommPayShop.SecretKey, StringComparison.Ordinal));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "Initialized"));
    }

    [Fact]
    public async Task Bad_settings_get_a_clear_error_and_change_nothing_and_a_change_made_meanwhile_is_not_overwritten()
    {
        var view = await Services.FindAsync("demo");

        var noProject = await Assert.ThrowsAsync<BusinessRuleException>(() => Services.SaveAsync(Admin, "demo", view.Settings with { ProjectId = null }, null, view.Version));
        var badAddress = await Assert.ThrowsAsync<BusinessRuleException>(() => Services.SaveAsync(Admin, "demo", view.Settings with { BaseUrl = "ftp://gate" }, null, view.Version));
        var blankKey = await Assert.ThrowsAsync<BusinessRuleException>(() => Services.SaveAsync(Admin, "demo", view.Settings, "  ", view.Version));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Services.SaveAsync(app.Staff(Roles.Operator), "demo", view.Settings with { UseLive = true }, null, view.Version));
        var changes = await Services.SaveAsync(Admin, "demo", view.Settings with { ProjectId = 2391 }, null, view.Version);
        var stale = await Assert.ThrowsAsync<BusinessRuleException>(() => Services.SaveAsync(Admin, "demo", view.Settings with { UseLive = true }, null, view.Version));

        Assert.Equal("An enabled service needs its ECommPay project id.", noProject.Text.Key);
        Assert.Equal("'{0}' is not a web address such as https://api.ecommpay.com/.", badAddress.Text.Key);
        Assert.Equal("A secret key cannot be blank.", blankKey.Text.Key);
        Assert.Equal(["Project: 2390 → 2391"], changes.Select(c => c.ToString()));
        Assert.StartsWith("Someone else changed", stale.Text.Key, StringComparison.Ordinal);
        var now = await Services.FindAsync("demo");
        Assert.Equal((2391L, false), (now.Settings.ProjectId!.Value, now.Settings.UseLive));
    }
}
