using System.Globalization;

namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Draws a grouped bar chart: one group per <see cref="BarGroup"/>, one bar per series in
/// <see cref="ChartPalette"/> colours, each bar labelled with its value, and a legend. Groups measure
/// different things (losses, accuracies, counts), so each group has its own scale from 0 to the larger of
/// 1 and its largest value: bars compare models within a group, and the labels carry the numbers.</summary>
internal static class GroupedBarChart
{
    public const int MinWidth = 800;
    public const int Height = 400;
    public const int PlotTop = 72;
    public const int Baseline = 336;

    private const int Margin = 32;
    private const int BarGap = 4;
    private const int GroupGap = 24;
    private const int LabelGap = 3;

    public static RasterCanvas Render(string title, IReadOnlyList<string> series, IReadOnlyList<BarGroup> groups)
    {
        if (series.Count == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        if (groups.Any(g => g.Values.Count != series.Count))
            throw new ArgumentException($"every group needs {series.Count} values, one per series", nameof(groups));

        // Bars are as wide as their widest value label, so labels never overlap their neighbours.
        var barWidth = Math.Max(16, groups.SelectMany(g => g.Values).Select(v => BitmapFont.Measure(Label(v))).DefaultIfEmpty(0).Max() + 2);
        var barsWidth = series.Count * barWidth + (series.Count - 1) * BarGap;
        var slot = Math.Max(barsWidth, groups.SelectMany(g => g.Caption).Select(c => BitmapFont.Measure(c)).DefaultIfEmpty(0).Max()) + GroupGap;
        var width = Math.Max(MinWidth, 2 * Margin + groups.Count * slot);
        // Spread the groups over the whole width when they need less than it.
        if (groups.Count > 0) slot = (width - 2 * Margin) / groups.Count;

        var canvas = new RasterCanvas(width, Height, Rgb.White);
        BitmapFont.Draw(canvas, Margin, 12, title, ChartPalette.Text, scale: 2);
        BitmapFont.Draw(canvas, Margin, 34, "Bars start at 0. Each group has its own scale: up to 1 or its largest value.", ChartPalette.Muted);
        DrawLegend(canvas, series);
        for (var g = 0; g < groups.Count; g++)
        {
            var left = Margin + g * slot;
            if (g > 0) canvas.DrawLine(left, PlotTop, left, Height - 8, ChartPalette.Separator);
            DrawGroup(canvas, groups[g], left + (slot - barsWidth) / 2, barWidth);
            for (var line = 0; line < groups[g].Caption.Count; line++)
            {
                var caption = BitmapFont.Fit(groups[g].Caption[line], slot - 4);
                var x = left + (slot - BitmapFont.Measure(caption)) / 2;
                BitmapFont.Draw(canvas, x, Baseline + 8 + line * (BitmapFont.GlyphHeight + 4), caption, line == 0 ? ChartPalette.Text : ChartPalette.Muted);
            }
        }
        canvas.DrawLine(Margin, Baseline, width - Margin - 1, Baseline, ChartPalette.Axis);
        return canvas;
    }

    /// <summary>The value label drawn above a bar: up to three decimals, no exponent, invariant culture.</summary>
    public static string Label(double value) =>
        !double.IsFinite(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture);

    private static void DrawGroup(RasterCanvas canvas, BarGroup group, int left, int barWidth)
    {
        var finite = group.Values.Where(double.IsFinite).ToList();
        var top = Math.Max(1.0, finite.Count == 0 ? 0 : finite.Max());
        // Leave room above the tallest bar for its label.
        var tallest = Baseline - PlotTop - BitmapFont.GlyphHeight - LabelGap;
        for (var s = 0; s < group.Values.Count; s++)
        {
            var value = group.Values[s];
            var x = left + s * (barWidth + BarGap);
            var height = double.IsFinite(value) ? (int)Math.Round(Math.Max(0, value) / top * tallest) : 0;
            canvas.FillRectangle(x, Baseline - height, barWidth, height, ChartPalette.SeriesColour(s));
            var label = Label(value);
            BitmapFont.Draw(canvas, x + (barWidth - BitmapFont.Measure(label)) / 2, Baseline - height - LabelGap - BitmapFont.GlyphHeight, label, ChartPalette.Text);
        }
    }

    private static void DrawLegend(RasterCanvas canvas, IReadOnlyList<string> series)
    {
        var x = Margin;
        for (var s = 0; s < series.Count; s++)
        {
            canvas.FillRectangle(x, 50, 10, 10, ChartPalette.SeriesColour(s));
            BitmapFont.Draw(canvas, x + 14, 52, series[s], ChartPalette.Text);
            x += 14 + BitmapFont.Measure(series[s]) + 16;
        }
    }
}
