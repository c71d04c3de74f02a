using BackOffice.Klarna;
using BackOffice.Klarna.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Jobs;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Data;

/// <summary>
/// The database under load, on either provider. On SQLite every connection runs in WAL mode with a busy timeout,
/// whatever the file was created with.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class DatabaseConcurrencyTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private BackOfficeAppFactory app = null!;

    public async Task InitializeAsync()
    {
        if (!TestDatabase.IsPostgreSql)
        {
            // A database file the app did not create itself: made, then switched to the rollback journal.
            await using (var first = new BackOfficeAppFactory { Database = database })
                first.CreateClient();
            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection(database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = DELETE;";
                Assert.Equal("delete", await command.ExecuteScalarAsync());
            }
            SqliteConnection.ClearAllPools();
        }
        app = new BackOfficeAppFactory { Database = database };
        app.StartOnLoopback();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Thirty_two_concurrent_reservations_and_eight_polling_workers_never_meet_a_locked_database()
    {
        if (!TestDatabase.IsPostgreSql)
        {
            await using var db = await app.Service<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", await command.ExecuteScalarAsync());
        }
        for (var i = 0; i < 40; i++)
            await ReserveAsync($"PENDING-{i}", KlarnaSandbox.PendingAcceptedEmail);

        var outcomes = new List<ReservationOutcome>();
        var runs = new List<JobRun?>();
        for (var round = 0; round < 3; round++)
        {
            var reservations = Enumerable.Range(0, 32).Select(i => Task.Run(() => ReserveAsync($"LOAD-{round}-{i}", "max@example.com"))).ToList();
            var polls = Task.Run(async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<PendingStatusPoller>().RunAsync("Test", CancellationToken.None);
            });
            outcomes.AddRange(await Task.WhenAll(reservations));
            runs.Add(await polls);
        }

        Assert.All(outcomes, o => Assert.IsType<ReservationOutcome.Stored>(o));
        Assert.All(runs, r => Assert.Equal(0, r!.Failed));
        Assert.DoesNotContain(app.Logs.Messages, m => m.Contains("database is locked", StringComparison.OrdinalIgnoreCase)
            || m.Contains("deadlock", StringComparison.OrdinalIgnoreCase) || m.Contains("could not serialize", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<ReservationOutcome> ReserveAsync(string orderNumber, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var address = new KlarnaAddress { FirstName = "Max", LastName = "Mustermann", Email = email, Street = "Hellersbergstraße 14", PostalCode = "41460", City = "Neuss", Country = KlarnaCountry.DE };
        return await scope.ServiceProvider.GetRequiredService<ReservationService>().ReserveAsync(new ReservationOrder("demo", KlarnaModule.Invoice, orderNumber,
            KlarnaCountry.DE, KlarnaCurrency.EUR, "07071960", address, address, [new GoodsLine("A1", "Shirt", 1, 1000, 19)]));
    }
}
