using MudBlazor;

namespace BackOffice.Web.Components.Layout;

internal static class BackOfficeTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#17120f",
            Secondary = "#b0124e",
            AppbarBackground = "#17120f",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#ffb3c7",
            Secondary = "#ff8fb1",
        },
    };
}
