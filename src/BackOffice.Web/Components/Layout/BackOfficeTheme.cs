using MudBlazor;

namespace BackOffice.Web.Components.Layout;

/// <summary>
/// Every colour pair the pages use meets WCAG 2.2 AA (4.5:1 for text): MudBlazor's default info, success and warning
/// colours do not (white on #ff9800 is 2.15:1), nor does its light grey for disabled text. In the dark palette the
/// colours are light, so what sits on them is dark, and labels and helper texts are lighter than MudBlazor's 50 % white.
/// </summary>
internal static class BackOfficeTheme
{
    private const string DarkText = "#17120f";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#17120f",
            Secondary = "#b0124e",
            AppbarBackground = "#17120f",
            Info = "#0b5cad",
            Success = "#1e7b34",
            Warning = "#a15c00",
            Error = "#c62828",
            TextDisabled = "#616161",
            ActionDisabled = "#616161",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#ffb3c7",
            PrimaryContrastText = DarkText,
            Secondary = "#ff8fb1",
            SecondaryContrastText = DarkText,
            Info = "#7cc4ff",
            InfoContrastText = DarkText,
            Success = "#6fdc8c",
            SuccessContrastText = DarkText,
            Warning = "#ffb74d",
            WarningContrastText = DarkText,
            Error = "#ff8a80",
            ErrorContrastText = DarkText,
            TextSecondary = "#c9c9cf",
            TextDisabled = "#b0b0b0",
            ActionDisabled = "#b0b0b0",
        },
    };
}
