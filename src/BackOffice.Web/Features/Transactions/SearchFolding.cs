using System.Globalization;
using System.Text;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// The case- and accent-folded form that the text index holds and that every search is folded to, so that "MÜLLER",
/// "müller", "Müller" and "Mueller" meet: lower case, the German letters written out (ä → ae, ß → ss), the Nordic ones
/// as their plain letters' neighbours (æ → ae, ø → oe, å → a), any other accent dropped.
/// </summary>
public static class SearchFolding
{
    /// <summary>Letters written out rather than stripped. The migration that fills existing rows uses the same table.</summary>
    public static readonly IReadOnlyDictionary<char, string> WrittenOut = new Dictionary<char, string>
    {
        ['ä'] = "ae", ['ö'] = "oe", ['ü'] = "ue", ['ß'] = "ss", ['æ'] = "ae", ['ø'] = "oe", ['å'] = "a",
        ['Ä'] = "ae", ['Ö'] = "oe", ['Ü'] = "ue", ['ẞ'] = "ss", ['Æ'] = "ae", ['Ø'] = "oe", ['Å'] = "a",
    };

    public static string Fold(string text)
    {
        var written = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (WrittenOut.TryGetValue(c, out var replacement))
                written.Append(replacement);
            else
                written.Append(c);
        }
        var decomposed = written.ToString().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                folded.Append(char.ToLowerInvariant(c));
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>What a transaction is found by through the text index: its order number, customer name and e-mail.</summary>
    public static string Of(string orderNumber, TransactionCustomer customer) =>
        Fold($"{orderNumber} {customer.Name} {customer.Email}");
}
