using System.Globalization;
using CsvHelper;

namespace BackOffice.Web.Features;

/// <summary>
/// How a CSV export is written for the reader's spreadsheet: German Excel splits on ';' and reads ',' as the decimal
/// mark, English on ','. <c>Export:CsvSeparator</c> (Comma or Semicolon) fixes the separator for everyone; by default it
/// follows the language. Amounts carry their currency's decimals and no grouping, so a spreadsheet reads them as numbers.
/// </summary>
public sealed record CsvFormat(char Separator, CultureInfo Culture)
{
    public static CsvFormat For(CultureInfo culture, string? configuredSeparator)
    {
        var separator = configuredSeparator switch
        {
            null or "" => culture.TextInfo.ListSeparator == ";" || culture.NumberFormat.NumberDecimalSeparator == "," ? ';' : ',',
            "Comma" => ',',
            "Semicolon" => ';',
            _ => throw new InvalidOperationException($"Export:CsvSeparator is '{configuredSeparator}'; it must be Comma or Semicolon."),
        };
        // The decimal mark must not be the separator.
        var numbers = separator == ',' && culture.NumberFormat.NumberDecimalSeparator == "," ? CultureInfo.InvariantCulture : culture;
        return new CsvFormat(separator, numbers);
    }

    public string Amount(long minorUnits, string currency) =>
        Money.ToMajor(minorUnits, currency).ToString("F" + Money.Exponent(currency).ToString(CultureInfo.InvariantCulture), Culture);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts a file: a UTF-8 byte order mark (so Excel reads umlauts), then a writer with this separator that escapes
    /// what a spreadsheet would take for a formula (a customer named "=HYPERLINK(...)").
    /// </summary>
    public async Task<CsvWriter> StartAsync(Stream output, CancellationToken cancellationToken)
    {
        await output.WriteAsync(System.Text.Encoding.UTF8.Preamble.ToArray(), cancellationToken);
        return CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape, Separator = Separator }, leaveOpen: true);
    }

    /// <summary>A dated file name: <c>transactions-2026-11-25.csv</c>.</summary>
    public static string FileName(string what, DateTimeOffset now) => $"{what}-{now.UtcDateTime:yyyy-MM-dd}.csv";
}
