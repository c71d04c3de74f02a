using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Users;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class IdentitySeederTests
{
    [Fact]
    public async Task Development_seeds_the_administrator_and_all_roles()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var admin = await users.FindByEmailAsync(IdentitySeeder.DefaultAdminEmail);
        Assert.NotNull(admin);
        Assert.True(await users.IsInRoleAsync(admin, Roles.Administrator));
        foreach (var role in Roles.All)
            Assert.True(await roles.RoleExistsAsync(role), role);
    }

    [Fact]
    public async Task Production_seeds_no_user_without_both_keys()
    {
        await using var app = new BackOfficeAppFactory { EnvironmentName = "Production", Settings = { ["Seed:AdminEmail"] = "boss@shop.example" } };
        app.CreateClient();

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.False(await users.Users.AnyAsync());
        Assert.True(await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().RoleExistsAsync(Roles.Viewer));
        Assert.Contains(app.Logs.Messages, m => m.Contains("Nobody can sign in", StringComparison.Ordinal) && m.Contains("Seed:AdminPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_seeds_the_administrator_when_both_keys_are_set()
    {
        await using var app = new BackOfficeAppFactory
        {
            EnvironmentName = "Production",
            Settings = { ["Seed:AdminEmail"] = "boss@shop.example", ["Seed:AdminPassword"] = "Boss-Passw0rd!" },
        };
        app.CreateClient();

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var boss = await users.FindByEmailAsync("boss@shop.example");
        Assert.NotNull(boss);
        Assert.True(await users.CheckPasswordAsync(boss, "Boss-Passw0rd!"));
        Assert.Equal(1, await users.Users.CountAsync());
    }

    [Fact]
    public async Task An_unknown_job_storage_stops_the_app_naming_the_key()
    {
        await using var app = new BackOfficeAppFactory { Settings = { ["Jobs:Storage"] = "Redis" } };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Jobs:Storage", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public async Task A_worker_count_that_is_not_one_to_a_hundred_stops_the_app_naming_the_key(string count)
    {
        await using var app = new BackOfficeAppFactory { Settings = { ["Jobs:WorkerCount"] = count } };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains($"Jobs:WorkerCount '{count}'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_job_server_runs_as_many_workers_as_the_setting_says()
    {
        await using var app = new BackOfficeAppFactory { Settings = { ["Jobs:WorkerCount"] = "3" } };
        app.CreateClient();
        var monitoring = app.Service<Hangfire.JobStorage>().GetMonitoringApi();

        // The server announces itself a moment after the app has started.
        for (var until = DateTime.UtcNow.AddSeconds(30); monitoring.Servers().Count == 0 && DateTime.UtcNow < until;)
            await Task.Delay(25);

        Assert.Equal(3, Assert.Single(monitoring.Servers()).WorkersCount);
    }
}
