namespace BackOffice.Web.Features;

/// <summary>LIKE patterns with <c>\</c> as the escape character.</summary>
public static class LikePattern
{
    public const string Escape = "\\";

    /// <summary>The text as a pattern that finds it anywhere; its own % and _ are matched as themselves.</summary>
    public static string Containing(string text) =>
        $"%{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
}
