using System.Globalization;
using System.Text;

namespace BackOffice.Computop;

public enum BatchAction
{
    Capture,
    Credit,
    Reverse,
}

/// <summary>
/// One record of a Klarna Payments batch file (PROTOCOL.md §6): an action on a payment. A partial capture, or a partial
/// credit on a full capture, needs its <see cref="ArticleList"/>; a partial credit on a partial capture its invoice too.
/// </summary>
public sealed record BatchRecord(BatchAction Action, long Amount, string Currency, string TransId, string PayId,
    string? RefNr = null, string? ArticleList = null, string? InvoiceNumber = null);

/// <summary>A batch file as sent: its merchant, date, version and records.</summary>
public sealed record BatchFile(string MerchantId, DateOnly Date, string Version, IReadOnlyList<BatchRecord> Records);

/// <summary>A record of the response file: the record as sent, and how it ended.</summary>
public sealed record BatchResult(BatchRecord Record, string Status, string? Code)
{
    public bool Succeeded => Status == "OK" && Code is null or ['0', ..];
}

/// <summary>
/// Computop's batch files for Klarna Payments: <c>HEAD,MerchantID,Date,Version</c>, one <c>KLARNAPM</c> line per
/// action, <c>FOOT,CountRecords,SumAmount</c>; CRLF, ASCII, no quoting. Versions 1.0 and 1.x (RefNr from 1.1 on, a
/// Code in answers from 1.1 on); the master-MID versions 2.x are not written here.
/// </summary>
public static class PaygateBatch
{
    public const string DefaultVersion = "1.1";

    /// <summary>The name Computop's Analytics upload expects: <c>T&lt;YYYYMMDD&gt;&lt;MerchantID&gt;&lt;NNN&gt;.dat</c>.</summary>
    public static string FileName(string merchantId, DateOnly date, int number) =>
        number is < 1 or > 999 ? throw new ArgumentOutOfRangeException(nameof(number), "A day's file number is 1 to 999.")
            : $"T{date:yyyyMMdd}{merchantId}{number.ToString("D3", CultureInfo.InvariantCulture)}.dat";

    public static string Write(string merchantId, DateOnly date, IReadOnlyList<BatchRecord> records, string version = DefaultVersion)
    {
        if (!IsVersion1(version))
            throw new ArgumentException($"Batch version {version} is not written here; use 1.0 or 1.x.", nameof(version));
        if (records.Count == 0)
            throw new ArgumentException("A batch has at least one record.", nameof(records));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"HEAD,{Plain(merchantId)},{date:yyyyMMdd},{version}\r\n");
        foreach (var record in records)
            text.Append(Line(record, version)).Append("\r\n");
        text.Append(CultureInfo.InvariantCulture, $"FOOT,{records.Count},{records.Sum(r => r.Amount)}\r\n");
        return text.ToString();
    }

    /// <summary>
    /// Reads Computop's response file to a batch of <paramref name="merchantId"/>, refusing one that is not: another
    /// merchant's, not a response (no status), or whose FOOT does not add up.
    /// </summary>
    public static IReadOnlyList<BatchResult> ReadResponse(string merchantId, string text)
    {
        var (mid, _, version, lines) = Parts(text);
        if (mid != merchantId)
            throw new PaygateBatchException($"The file is merchant {mid}'s, not {merchantId}'s.");
        return Footed(lines, [.. lines[1..^1].Select((line, i) => Result(line, i + 2, version))], r => r.Record.Amount);
    }

    /// <summary>Reads a batch file as it was sent (what Paygate's batch manager does with an upload), checking its FOOT.</summary>
    public static BatchFile Read(string text)
    {
        var (mid, date, version, lines) = Parts(text);
        var records = Footed(lines, [.. lines[1..^1].Select((line, i) => Record(line.Split(','), i + 2, version, tail: 0, line))], r => r.Amount);
        return new BatchFile(mid, date, version, records);
    }

    /// <summary>The response file to <paramref name="batch"/>: each record as sent (a capture's with its new invoice), with its status and code.</summary>
    public static string WriteResponse(BatchFile batch, IReadOnlyList<BatchResult> results)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"HEAD,{Plain(batch.MerchantId)},{batch.Date:yyyyMMdd},{batch.Version}\r\n");
        foreach (var result in results)
            text.Append(Line(result.Record, batch.Version)).Append(',').Append(Plain(result.Status))
                .Append(batch.Version != "1.0" ? "," + Plain(result.Code ?? "") : "").Append("\r\n");
        text.Append(CultureInfo.InvariantCulture, $"FOOT,{results.Count},{results.Sum(r => r.Record.Amount)}\r\n");
        return text.ToString();
    }

    private static (string MerchantId, DateOnly Date, string Version, string[] Lines) Parts(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || lines[0].Split(',') is not ["HEAD", var mid, var dateText, var version]
            || !DateOnly.TryParseExact(dateText, ["yyyyMMdd", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new PaygateBatchException("The file does not start with HEAD,MerchantID,Date,Version.");
        if (!IsVersion1(version))
            throw new PaygateBatchException($"Batch version {version} is not read here.");
        return (mid, date, version, lines);
    }

    private static IReadOnlyList<T> Footed<T>(string[] lines, IReadOnlyList<T> records, Func<T, long> amount)
    {
        if (lines[^1].Split(',') is not ["FOOT", var countText, var sumText]
            || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !long.TryParse(sumText, NumberStyles.None, CultureInfo.InvariantCulture, out var sum))
            throw new PaygateBatchException("The file does not end with FOOT,CountRecords,SumAmount.");
        if (records.Count != count || records.Sum(amount) != sum)
            throw new PaygateBatchException($"FOOT says {count} records of {sum}, the file has {records.Count} of {records.Sum(amount)}.");
        return records;
    }

    private static string Line(BatchRecord record, string version)
    {
        if (record.Amount <= 0)
            throw new ArgumentException($"A batch record moves more than nothing ({record.TransId}).", nameof(record));
        var fields = new List<string> { "KLARNAPM", record.Action.ToString().ToUpperInvariant(), record.Amount.ToString(CultureInfo.InvariantCulture), Plain(record.Currency), Plain(record.TransId) };
        if (version != "1.0")
            fields.Add(Plain(record.RefNr ?? ""));
        fields.Add(Plain(record.PayId));
        if (record.Action != BatchAction.Reverse && record.ArticleList is { Length: > 0 } lines)
        {
            fields.Add(Plain(lines));
            if (record.InvoiceNumber is { Length: > 0 } invoice)
                fields.Add(Plain(invoice));
        }
        return string.Join(',', fields);
    }

    private static BatchResult Result(string line, int number, string version)
    {
        var fields = line.Split(',');
        var tail = version != "1.0" ? 2 : 1;
        return new BatchResult(Record(fields, number, version, tail, line), fields[^tail], version != "1.0" ? fields[^1] : null);
    }

    /// <summary>A KLARNAPM line's record; <paramref name="tail"/> fields after it are the answer's (status and code).</summary>
    private static BatchRecord Record(string[] fields, int number, string version, int tail, string line)
    {
        var withRefNr = version != "1.0";
        var fixedCount = 6 + (withRefNr ? 1 : 0);
        if (fields.Length < fixedCount + tail || fields.Length > fixedCount + 2 + tail || fields[0] != "KLARNAPM"
            || !Enum.TryParse<BatchAction>(fields[1], ignoreCase: true, out var action) || !Enum.IsDefined(action)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            throw new PaygateBatchException($"Line {number} is not a KLARNAPM record{(tail > 0 ? " with its result" : "")}: {line}");
        var payIdAt = fixedCount - 1;
        var extra = fields[(payIdAt + 1)..(fields.Length - tail)];
        return new BatchRecord(action, amount, fields[3], fields[4], fields[payIdAt], withRefNr && fields[5].Length > 0 ? fields[5] : null,
            extra.Length > 0 ? extra[0] : null, extra.Length > 1 ? extra[1] : null);
    }

    private static bool IsVersion1(string version) => version == "1.0" || version.StartsWith("1.", StringComparison.Ordinal) && version.Length > 2 && version[2..].All(char.IsAsciiDigit);

    /// <summary>A field as it may stand in the file: ASCII, no comma, no line break.</summary>
    private static string Plain(string value) =>
        value.Any(c => c is ',' or '\r' or '\n' || c > '\u007F') ? throw new ArgumentException($"'{value}' cannot stand in a batch file (a comma, a line break or non-ASCII).", nameof(value)) : value;
}

/// <summary>A batch response that is not the answer to ours: another merchant's, malformed, or not adding up.</summary>
public sealed class PaygateBatchException(string message) : ComputopException(message);
