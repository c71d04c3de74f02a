using System.Net;
using BackOffice.Web.Data;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Tests.Data;

/// <summary>On PostgreSQL the app makes its database when it is not there yet, before the start-up lock that lives in it.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class DatabaseCreationTests
{
    [FactOn(DatabaseProvider.PostgreSql)]
    public async Task The_app_creates_its_postgresql_database_when_it_does_not_exist_and_migrates_it()
    {
        await using var database = TestDatabase.MissingPostgreSql();
        await using var app = new BackOfficeAppFactory { Database = database };

        var health = await app.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await using var db = database.Open();
        Assert.True(await db.Channels.AnyAsync(c => c.Code == "demo"));
    }
}
