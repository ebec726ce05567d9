namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Series colours: a neutral grey for the first series (the base model) and then saturated,
/// mutually distinct hues (the Tableau 10 set), so every adapter stands out from the base and from each other.</summary>
internal static class ChartPalette
{
    private static readonly Rgb[] Series =
    [
        Rgb.FromHex(0x8C8C8C), Rgb.FromHex(0x1F77B4), Rgb.FromHex(0xFF7F0E), Rgb.FromHex(0x2CA02C), Rgb.FromHex(0xD62728),
        Rgb.FromHex(0x9467BD), Rgb.FromHex(0x8C564B), Rgb.FromHex(0xE377C2), Rgb.FromHex(0xBCBD22), Rgb.FromHex(0x17BECF),
    ];

    public static readonly Rgb Text = Rgb.FromHex(0x202020);
    public static readonly Rgb Muted = Rgb.FromHex(0x707070);
    public static readonly Rgb Axis = Rgb.FromHex(0x404040);
    public static readonly Rgb Separator = Rgb.FromHex(0xE0E0E0);

    /// <summary>The colour of series <paramref name="index"/>; past ten series the adapter hues repeat.</summary>
    public static Rgb SeriesColour(int index) => index < Series.Length ? Series[index] : Series[1 + (index - 1) % (Series.Length - 1)];
}
