using System.Globalization;
using ScottPlot;

namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Grouped bars drawn with ScottPlot: one group per metric, one bar per series (model). Each
/// group has its own scale (up to 1 or its largest value) so a loss of 5 and an accuracy of 0.5 both
/// read; the bars carry their real values as labels.</summary>
internal static class BarChart
{
    public const int Height = 400;
    public const int MinWidth = 800;

    public static byte[] Render(string title, IReadOnlyList<string> series, IReadOnlyList<BarGroup> groups)
    {
        if (series.Count == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        if (groups.Any(g => g.Values.Count != series.Count))
            throw new ArgumentException($"every group needs {series.Count} values, one per series", nameof(groups));

        var plot = new Plot();
        var font = ChartFonts.Use();
        if (font is not null) plot.Font.Set(font);
        plot.Title(title);
        for (var s = 0; s < series.Count; s++)
        {
            var bars = groups.Select((g, i) => (Group: g, Index: i)).Where(x => double.IsFinite(x.Group.Values[s])).Select(x => new Bar
            {
                Position = x.Index * (series.Count + 1) + s,
                Value = x.Group.Values[s] / Scale(x.Group),
                FillColor = ChartPalette.SeriesColour(s),
                Label = Label(x.Group.Values[s]),
            }).ToList();
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s];
        }

        var ticks = groups.Select((g, i) => new Tick(i * (series.Count + 1) + (series.Count - 1) / 2.0, string.Join("\n", g.Caption))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.Label.Text = "value / group scale";
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.ShowLegend(Alignment.UpperRight);
        var width = Math.Max(MinWidth, 120 + groups.Count * (series.Count + 1) * 28);
        return plot.GetImageBytes(width, Height, ImageFormat.Png);
    }

    /// <summary>The value label drawn above a bar: up to three decimals, no exponent, invariant culture.</summary>
    public static string Label(double value) =>
        !double.IsFinite(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture);

    private static double Scale(BarGroup group) => Math.Max(1, group.Values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());
}
