using System.Net;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>301 transactions (one with a formula for a name) and a viewer, in an app the export's tests only read.</summary>
public sealed class ExportBooks : IAsyncLifetime
{
    public const string Viewer = "csv-viewer@test.local";
    public const string Password = "export viewer password";

    public BackOfficeAppFactory App { get; } = new();

    public async Task InitializeAsync()
    {
        App.StartOnLoopback();
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        for (var i = 0; i < 300; i++)
        {
            var transaction = TransactionTests.New(amount: 1_000 + i, channelId: channel.Id, orderNumber: $"CSV-{i:000}");
            if (i % 2 == 0)
                transaction.Capture(transaction.RemainingAmount);
            db.Transactions.Add(transaction);
        }
        var address = new TransactionAddress("=HYPERLINK(\"http://evil.example\")", "x", "", "s", "1", "1", "c", "DE", "evil@example.com", "");
        db.Transactions.Add(new Transaction(channel.Id, KlarnaModule.Invoice, BackOffice.Web.Features.Payments.ProviderEnvironment.Test, "1395",
            "CSV-EVIL", "1", AuthorizationStatus.Accepted, "EUR", "DE", 100, [new TransactionLine("A", "A", 1, 100, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("=HYPERLINK(\"http://evil.example\")", "evil@example.com", "••••"), address, address, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7)));
        await db.SaveChangesAsync();
        await App.CreateUserAsync(Viewer, Password, Roles.Viewer);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary><c>GET /transactions/export.csv</c>, as the README describes it: staff only, the list's filters, formulas escaped, streamed.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class TransactionExportTests(ExportBooks books) : IClassFixture<ExportBooks>
{
    private readonly BackOfficeAppFactory app = books.App;

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_the_log_in_page()
    {
        var response = await app.CreateLoopbackClient().GetAsync("/transactions/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_downloads_every_match_of_the_filters_as_a_streamed_attachment()
    {
        var client = await ViewerAsync();

        var response = await client.GetAsync("/transactions/export.csv?state=Captured&text=CSV-", HttpCompletionOption.ResponseHeadersRead);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.True(response.Headers.TransferEncodingChunked, "The export streams: no Content-Length, chunked.");
        Assert.Equal(151, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",Captured,", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_that_looks_like_a_formula_is_escaped()
    {
        var client = await ViewerAsync();

        var csv = await client.GetStringAsync("/transactions/export.csv?text=CSV-EVIL");

        Assert.Contains("'=HYPERLINK", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_english_reader_gets_commas_two_decimals_iso_times_a_bom_and_a_dated_file()
    {
        var client = await ViewerAsync();

        var response = await client.GetAsync("/transactions/export.csv?text=CSV-00");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Matches(@"^transactions-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition!.FileName!);
        Assert.StartsWith("OrderNumber,ReservationNumber,Channel,", lines[0], StringComparison.Ordinal);
        var first = lines.Single(l => l.StartsWith("CSV-000,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("10.00", "10.00"), (first[7], first[8]));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", first[13]);
    }

    [Fact]
    public async Task A_german_reader_gets_semicolons_and_decimal_commas()
    {
        var client = await ViewerAsync();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE");

        var bytes = await client.GetByteArrayAsync("/transactions/export.csv?text=CSV-001");
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.StartsWith("OrderNumber;ReservationNumber;Channel;", lines[0], StringComparison.Ordinal);
        var row = lines[1].Split(';');
        Assert.Equal(("CSV-001", "10,01", "Max Mustermann"), (row[0], row[7], row[11]));
    }

    [Fact]
    public void The_separator_can_be_fixed_for_everyone_and_never_equals_the_decimal_mark()
    {
        var german = System.Globalization.CultureInfo.GetCultureInfo("de-DE");

        Assert.Equal(("1234,50", ';'), (CsvFormat.For(german, null).Amount(123_450, "EUR"), CsvFormat.For(german, null).Separator));
        Assert.Equal(("1234.50", ','), (CsvFormat.For(german, "Comma").Amount(123_450, "EUR"), CsvFormat.For(german, "Comma").Separator));
        Assert.Equal("1235", CsvFormat.For(german, "Comma").Amount(1_235, "JPY"));
        Assert.Throws<InvalidOperationException>(() => CsvFormat.For(german, "Tab"));
    }

    private async Task<HttpClient> ViewerAsync()
    {
        var client = app.CreateLoopbackClient();
        await client.SignInAsync(ExportBooks.Viewer, ExportBooks.Password);
        return client;
    }
}
