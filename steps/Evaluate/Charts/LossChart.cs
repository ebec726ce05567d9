using ScottPlot;

namespace Workflows.Steps.Evaluate.Charts;

/// <summary>Training and validation loss against the optimizer step, drawn with ScottPlot: the curves
/// users check first for under- or over-fitting.</summary>
internal static class LossChart
{
    public const string FileName = "loss_curve.png";
    public const int Width = 800;
    public const int Height = 400;

    /// <param name="train">Training loss of steps 1, 2, …</param>
    /// <param name="validation">(step, loss) pairs; step 0 is the base model.</param>
    public static byte[] Render(string title, IReadOnlyList<double> train, IReadOnlyList<double[]> validation)
    {
        var plot = new Plot();
        if (ChartFonts.Use() is { } font) plot.Font.Set(font);
        plot.Title(title);
        plot.XLabel("optimizer step");
        plot.YLabel("loss (nats / token)");
        var trainPoints = train.Select((loss, i) => (X: i + 1.0, Y: loss)).Where(p => double.IsFinite(p.Y)).ToList();
        if (trainPoints.Count > 0)
        {
            var line = plot.Add.ScatterLine(trainPoints.Select(p => p.X).ToArray(), trainPoints.Select(p => p.Y).ToArray(), ChartPalette.SeriesColour(1));
            line.LegendText = "training";
            line.LineWidth = 2;
        }

        var valPoints = validation.Where(p => p.Length == 2 && double.IsFinite(p[1])).ToList();
        if (valPoints.Count > 0)
        {
            var line = plot.Add.Scatter(valPoints.Select(p => p[0]).ToArray(), valPoints.Select(p => p[1]).ToArray(), ChartPalette.SeriesColour(2));
            line.LegendText = "validation";
            line.MarkerSize = 7;
        }

        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
