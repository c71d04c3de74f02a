using BackOffice.Web.Data;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Data;

/// <summary>
/// Test apps start on a copy of a database migrated once, without checking it again: this is the check the app makes at
/// start-up, on the provider of the run.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class MigrationsTests
{
    [Fact]
    public async Task The_migrations_describe_the_model_the_app_runs_and_all_are_applied()
    {
        await using var app = new BackOfficeAppFactory();
        app.CreateClient();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackOfficeDbContext>();

        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed since the last migration: add one.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(TestDatabase.IsPostgreSql, db.Database.IsNpgsql());
    }
}
