using System.Globalization;
using System.Text.Json;
using BackOffice.Klarna;
using Microsoft.Extensions.Options;

namespace BackOffice.Web.Features.Klarna.PClasses;

/// <summary>A PClass file that cannot be read; the message names the file and what is wrong.</summary>
public sealed class PClassFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The seed connector's PClass files, <c>&lt;country&gt;_&lt;currency&gt;_PClasses.json</c>, on a file system the app
/// instances share. Several merchants (eids) share one file; a write replaces one eid's entries and keeps the rest.
/// </summary>
public sealed class PClassFileStore(IOptions<KlarnaOptions> options, IHostEnvironment environment)
{
    private static readonly SemaphoreSlim WriteLock = new(1, 1);

    public string Directory => Path.GetFullPath(options.Value.PClassDirectory, environment.ContentRootPath);

    public static string FileName(KlarnaCountry country, KlarnaCurrency currency) => $"{country}_{currency}_PClasses.json";

    /// <summary>The entries of one file; none when there is no file.</summary>
    public async Task<IReadOnlyList<StoredPClass>> ReadAsync(KlarnaCountry country, KlarnaCurrency currency, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(Directory, FileName(country, currency));
        if (!File.Exists(path))
            return [];
        var json = await File.ReadAllBytesAsync(path, cancellationToken);
        return Parse(json, FileName(country, currency));
    }

    /// <summary>One merchant's PClasses for a market, for offering to shoppers: none when the file is missing or broken.</summary>
    public async Task<IReadOnlyList<StoredPClass>> OfferableAsync(int? eid, KlarnaCountry country, KlarnaCurrency currency, CancellationToken cancellationToken = default)
    {
        if (eid is null)
            return [];
        try
        {
            return [.. (await ReadAsync(country, currency, cancellationToken)).Where(p => p.Eid == eid)];
        }
        catch (PClassFileException)
        {
            return [];
        }
    }

    /// <summary>
    /// Replaces the entries of <paramref name="eid"/> in each file, keeping other eids' entries. All files are read and
    /// checked before any is written; each is written to a temporary file and renamed over the old one.
    /// </summary>
    public async Task WriteAsync(int eid, IReadOnlyDictionary<(KlarnaCountry Country, KlarnaCurrency Currency), IReadOnlyList<StoredPClass>> files, CancellationToken cancellationToken = default)
    {
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var merged = new List<(string Path, byte[] Json)>();
            foreach (var ((country, currency), pclasses) in files)
            {
                var kept = (await ReadAsync(country, currency, cancellationToken)).Where(p => p.Eid != eid);
                merged.Add((Path.Combine(Directory, FileName(country, currency)), Serialize([.. kept, .. pclasses])));
            }
            foreach (var (path, json) in merged)
            {
                var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
                await File.WriteAllBytesAsync(temporary, json, cancellationToken);
                File.Move(temporary, path, overwrite: true);
            }
        }
        finally
        {
            WriteLock.Release();
        }
    }

    public static byte[] Serialize(IEnumerable<StoredPClass> pclasses)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var p in pclasses.OrderBy(p => p.Eid).ThenBy(p => p.Id))
            {
                writer.WriteStartObject();
                writer.WriteString("description", p.Description);
                writer.WriteNumber("months", p.Months);
                WriteAmount(writer, "startfee", p.StartFee);
                WriteAmount(writer, "invoicefee", p.InvoiceFee);
                WriteAmount(writer, "interestrate", p.InterestRate);
                WriteAmount(writer, "minamount", p.MinAmount);
                writer.WriteString("country", p.Country.ToString());
                writer.WriteNumber("id", p.Id);
                writer.WriteNumber("type", (int)p.Type);
                writer.WriteNumber("expire", p.ExpiresOn is { } date ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() : 0);
                writer.WriteNumber("eid", p.Eid);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<StoredPClass> Parse(byte[] json, string fileName)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new PClassFileException($"{fileName} does not hold a list of PClasses.");
            return [.. document.RootElement.EnumerateArray().Select((entry, index) => Entry(entry, $"{fileName}, entry {index + 1}"))];
        }
        catch (JsonException e)
        {
            throw new PClassFileException($"{fileName} is not valid JSON: {e.Message}", e);
        }
    }

    private static StoredPClass Entry(JsonElement entry, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new PClassFileException($"{where} is not an object.");
        JsonElement Field(string name) => entry.TryGetProperty(name, out var value)
            ? value : throw new PClassFileException($"{where} has no \"{name}\".");
        decimal Number(string name) => Field(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDecimal(out var number)
            ? number : throw new PClassFileException($"{where}: \"{name}\" is not a number.");
        int Whole(string name) => Field(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number)
            ? number : throw new PClassFileException($"{where}: \"{name}\" is not a whole number.");

        var countryText = Field("country").GetString();
        if (!Enum.TryParse<KlarnaCountry>(countryText, out var country) || !Enum.GetNames<KlarnaCountry>().Contains(countryText))
            throw new PClassFileException($"{where}: \"country\" '{countryText}' is not a Klarna country.");
        var type = Whole("type");
        if (!Enum.IsDefined(typeof(PClassType), type))
            throw new PClassFileException($"{where}: \"type\" {type} is not a PClass type.");

        return new StoredPClass(
            Whole("id"),
            Field("description").GetString() ?? throw new PClassFileException($"{where}: \"description\" is not text."),
            Whole("months"),
            Number("startfee"),
            Number("invoicefee"),
            Number("interestrate"),
            Number("minamount"),
            country,
            (PClassType)type,
            Expiry(Field("expire"), where),
            Whole("eid"));
    }

    private static DateOnly? Expiry(JsonElement expire, string where) => expire.ValueKind switch
    {
        JsonValueKind.Number when expire.TryGetInt64(out var seconds) && seconds == 0 => null,
        JsonValueKind.Number when expire.TryGetInt64(out var seconds) && seconds > 0 =>
            DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime),
        JsonValueKind.String when DateOnly.TryParseExact(expire.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
        _ => throw new PClassFileException($"{where}: \"expire\" is neither 0, a Unix time nor a YYYY-MM-DD date."),
    };

    // The seed writes amounts with at least one decimal: 0.0, 1.95, 14.95.
    private static void WriteAmount(Utf8JsonWriter writer, string name, decimal value)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue(value.ToString("0.0#########", CultureInfo.InvariantCulture));
    }
}
