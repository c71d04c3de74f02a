using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text;

namespace BackOffice.Web.Features;

/// <summary>
/// What an enum value is called in English, which is also the key of its translations: its <c>[Display(Name)]</c>, or
/// its name in words ("PartCaptured" is "Part captured"). Features name their own values, so this knows none of them.
/// </summary>
public static class EnumTexts
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public static string English(Enum value) => Names.GetOrAdd(value, v =>
        v.GetType().GetField(v.ToString())?.GetCustomAttribute<DisplayAttribute>()?.Name ?? Words(v.ToString()));

    /// <summary>"PartCaptured" as "Part captured".</summary>
    private static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
                text.Append(' ').Append(char.ToLowerInvariant(name[i]));
            else
                text.Append(name[i]);
        }
        return text.ToString();
    }
}
