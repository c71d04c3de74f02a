using System.Net;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.AuditLog;

/// <summary><c>GET /audit-log/export.csv</c>: administrators only, the page's filters, the CSV of the transaction export.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class AuditLogExportTests : IAsyncLifetime
{
    private const string Password = "audit export password";
    private readonly BackOfficeAppFactory app = new();

    public async Task InitializeAsync()
    {
        app.StartOnLoopback();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var at = new DateTimeOffset(2026, 11, 20, 9, 30, 15, TimeSpan.Zero);
        db.AuditEntries.AddRange(
            new AuditEntry(at, "erika@test.local", "Transactions", "Capture", "ORDER-1 (2359889900)", new Message("Captured {0}; invoice {1}.", "EUR 25.50", "1")),
            new AuditEntry(at.AddDays(1), "max@test.local", "Jobs", "Run now", "KlarnaCheckOrderStatus", new Message("Hangfire job {0}", "7")));
        await db.SaveChangesAsync();
        await app.CreateUserAsync("audit-admin@test.local", Password, Roles.Administrator);
        await app.CreateUserAsync("audit-operator@test.local", Password, Roles.Operator);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task An_administrator_exports_the_filtered_entries_as_csv_with_a_bom_and_a_dated_name()
    {
        var client = await SignedInAsync("audit-admin@test.local");

        var response = await client.GetAsync("/audit-log/export.csv?area=Transactions&user=erika");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Matches(@"^audit-log-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition!.FileName!);
        Assert.Equal(["At,User,Area,Action,Subject,Details,Result",
            "2026-11-20T09:30:15Z,erika@test.local,Transactions,Capture,ORDER-1 (2359889900),Captured EUR 25.50; invoice 1.,succeeded"], lines);
    }

    [Fact]
    public async Task An_operator_may_not_export_the_audit_log()
    {
        var client = await SignedInAsync("audit-operator@test.local");

        var response = await client.GetAsync("/audit-log/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("erika@test.local", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Subjects_link_to_the_transaction_by_its_reservation_the_channel_the_users_and_the_jobs()
    {
        AuditEntry Entry(string area, string subject) => new(DateTimeOffset.UnixEpoch, "x", area, "a", subject, new Message(""));

        Assert.Equal("transactions?text=2359889900", AuditSubjects.Link(Entry("Transactions", "ORDER (1) (2359889900)")));
        Assert.Equal("channels/demo", AuditSubjects.Link(Entry("Channels", "demo / Klarna Invoice")));
        Assert.Equal("users", AuditSubjects.Link(Entry("Users", "erika@test.local")));
        Assert.Equal("jobs", AuditSubjects.Link(Entry("Jobs", "KlarnaCheckOrderStatus")));
        Assert.Equal("transactions?text=2359889901", AuditSubjects.Link(Entry("Jobs", "ORDER-2 (2359889901)")));
        Assert.Null(AuditSubjects.Link(Entry("Transactions", "no reservation")));
    }

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = app.CreateLoopbackClient();
        await client.SignInAsync(email, Password);
        return client;
    }
}
