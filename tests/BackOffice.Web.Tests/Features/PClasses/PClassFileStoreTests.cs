using System.Text;
using BackOffice.Klarna;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Klarna.PClasses;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Tests.Features.PClasses;

public sealed class PClassFileStoreTests : IDisposable
{
    private static readonly StoredPClass Ratenkauf = new(3113, "Ratenkauf", 24, 0m, 1.95m, 14.95m, 0m, KlarnaCountry.DE, PClassType.Account, null, 1395);
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"pclass-store-{Guid.NewGuid():N}");
    private readonly PClassFileStore store;

    public PClassFileStoreTests() => store = new PClassFileStore(
        Options.Create(new KlarnaOptions { PClassDirectory = directory }), new HostingEnvironment { ContentRootPath = Path.GetTempPath() });

    [Fact]
    public void Writes_the_seed_connectors_json_shape()
    {
        var json = Encoding.UTF8.GetString(PClassFileStore.Serialize([Ratenkauf]));

        Assert.Equal(
            """[{"description":"Ratenkauf","months":24,"startfee":0.0,"invoicefee":1.95,"interestrate":14.95,"minamount":0.0,"country":"DE","id":3113,"type":1,"expire":0,"eid":1395}]""",
            string.Concat(json.Where(c => !char.IsWhiteSpace(c) || c == ' ')).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Reads_what_it_writes_including_expiry_dates()
    {
        var campaign = Ratenkauf with { Id = 3115, Description = "Sommeraktion 2020", Type = PClassType.Campaign, ExpiresOn = new DateOnly(2020, 8, 31) };

        var read = PClassFileStore.Parse(PClassFileStore.Serialize([Ratenkauf, campaign]), "DE_EUR_PClasses.json");

        Assert.Equal([Ratenkauf, campaign], read);
    }

    [Fact]
    public void Reads_the_seed_documents_example()
    {
        var json = """[{"description":"Ratenkauf","months":24,"startfee":0.0,"invoicefee":1.95,"interestrate":14.95,"minamount":0.0,"country":"DE","id":3113,"type":1,"expire":0,"eid":1395}]""";

        Assert.Equal([Ratenkauf], PClassFileStore.Parse(Encoding.UTF8.GetBytes(json), "DE_EUR_PClasses.json"));
    }

    [Fact]
    public async Task Writing_one_eid_keeps_the_other_eids_entries_and_replaces_its_own()
    {
        var other = Ratenkauf with { Eid = 2728 };
        await store.WriteAsync(2728, Files(other));
        await store.WriteAsync(1395, Files(Ratenkauf with { Description = "old" }));

        await store.WriteAsync(1395, Files(Ratenkauf));

        Assert.Equal([Ratenkauf, other], await store.ReadAsync(KlarnaCountry.DE, KlarnaCurrency.EUR));
        Assert.Equal(["DE_EUR_PClasses.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_malformed_file_is_reported_by_name_and_left_as_it_was()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "DE_EUR_PClasses.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var read = await Assert.ThrowsAsync<PClassFileException>(() => store.ReadAsync(KlarnaCountry.DE, KlarnaCurrency.EUR));
        var write = await Assert.ThrowsAsync<PClassFileException>(() => store.WriteAsync(1395, Files(Ratenkauf)));

        Assert.Contains("DE_EUR_PClasses.json is not valid JSON", read.Message, StringComparison.Ordinal);
        Assert.Contains("DE_EUR_PClasses.json", write.Message, StringComparison.Ordinal);
        Assert.Equal("{ not json", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task A_missing_file_is_no_pclasses()
    {
        Assert.Empty(await store.ReadAsync(KlarnaCountry.SE, KlarnaCurrency.SEK));
    }

    [Theory]
    [InlineData("""{"id":1}""", "does not hold a list")]
    [InlineData("""[{"description":"x"}]""", "entry 1 has no \"country\"")]
    [InlineData("""[{"description":"x","months":"24","startfee":0,"invoicefee":0,"interestrate":0,"minamount":0,"country":"DE","id":1,"type":1,"expire":0,"eid":1}]""", "\"months\" is not a whole number")]
    [InlineData("""[{"description":"x","months":24,"startfee":0,"invoicefee":0,"interestrate":0,"minamount":0,"country":"US","id":1,"type":1,"expire":0,"eid":1}]""", "'US' is not a Klarna country")]
    [InlineData("""[{"description":"x","months":24,"startfee":0,"invoicefee":0,"interestrate":0,"minamount":0,"country":"DE","id":1,"type":9,"expire":0,"eid":1}]""", "9 is not a PClass type")]
    [InlineData("""[{"description":"x","months":24,"startfee":0,"invoicefee":0,"interestrate":0,"minamount":0,"country":"DE","id":1,"type":1,"expire":"soon","eid":1}]""", "\"expire\" is neither")]
    public void Malformed_entries_say_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<PClassFileException>(() => PClassFileStore.Parse(Encoding.UTF8.GetBytes(json), "DE_EUR_PClasses.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    private static Dictionary<(KlarnaCountry, KlarnaCurrency), IReadOnlyList<StoredPClass>> Files(params StoredPClass[] pclasses) =>
        new() { [(KlarnaCountry.DE, KlarnaCurrency.EUR)] = pclasses };
}
