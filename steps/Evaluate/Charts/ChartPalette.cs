using ScottPlot;

namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Series colours: a neutral grey for the first series (the base model) and then saturated,
/// mutually distinct hues (the Tableau 10 set), so every adapter stands out from the base and from each other.</summary>
internal static class ChartPalette
{
    private static readonly Color[] Series =
    [
        Color.FromHex("#8C8C8C"), Color.FromHex("#1F77B4"), Color.FromHex("#FF7F0E"), Color.FromHex("#2CA02C"), Color.FromHex("#D62728"),
        Color.FromHex("#9467BD"), Color.FromHex("#8C564B"), Color.FromHex("#E377C2"), Color.FromHex("#BCBD22"), Color.FromHex("#17BECF"),
    ];

    /// <summary>The colour of series <paramref name="index"/>; past ten series the adapter hues repeat.</summary>
    public static Color SeriesColour(int index) => index < Series.Length ? Series[index] : Series[1 + (index - 1) % (Series.Length - 1)];
}
