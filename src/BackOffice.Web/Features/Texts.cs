using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Localization;

namespace BackOffice.Web.Features;

/// <summary>
/// The back office's texts: the key of each is its English text, placeholders included (<c>L["Capture"]</c>,
/// <c>L["Capture {0}", amount]</c>), so English needs no resource; <c>Texts.de.resx</c> holds German. Two keys must not
/// differ only in case: the resources would keep one of them.
/// </summary>
public sealed class Texts;

public static class Translation
{
    [return: NotNullIfNotNull(nameof(message))]
    public static string? Text(this IStringLocalizer texts, Message? message) =>
        message is null ? null : texts[message.Key, [.. message.Arguments.Select(a => Argument(texts, a))]].Value;

    public static string Text(this IStringLocalizer texts, BusinessRuleException refusal) => texts.Text(refusal.Text);

    /// <summary>
    /// An enum value in the reader's language. A value whose English name is also another text's (the operation
    /// "Capture" and the button "Capture") may have its own entry, "OperationKind.Capture", where a language needs one.
    /// </summary>
    public static string Of(this IStringLocalizer texts, Enum value) =>
        texts[$"{value.GetType().Name}.{value}"] is { ResourceNotFound: false } own ? own : texts[EnumTexts.English(value)];

    /// <summary>Messages and enums are translated; so is text that is itself a key (an enum's name as stored).</summary>
    private static object Argument(IStringLocalizer texts, object? argument) => argument switch
    {
        Message message => texts.Text(message),
        Enum value => texts.Of(value),
        string { Length: > 0 } text => texts[text].Value,
        null => "",
        _ => argument,
    };
}
