using SkiaSharp;
using Workflows.Steps.Evaluate.Charts;

namespace Workflows.Steps.Tests.Evaluate.Charts;

[TestFixture]
public sealed class LossChartTests
{
    private static int Pixels(SKBitmap bitmap, int series)
    {
        var colour = ChartPalette.SeriesColour(series);
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
            {
                var p = bitmap.GetPixel(x, y);
                // Lines are anti-aliased: count pixels close to the series colour.
                if (Math.Abs(p.Red - colour.R) + Math.Abs(p.Green - colour.G) + Math.Abs(p.Blue - colour.B) < 60) count++;
            }

        return count;
    }

    [Test]
    public void Render_TrainAndValidation_DrawsBothCurves()
    {
        var train = Enumerable.Range(1, 80).Select(s => 6.0 * Math.Exp(-s / 30.0) + 1).ToList();
        using var png = SKBitmap.Decode(LossChart.Render("lora training", train, [[0, 20.9], [20, 5.1], [40, 4.9]]));

        Assert.That((png.Width, png.Height), Is.EqualTo((LossChart.Width, LossChart.Height)));
        Assert.That(Pixels(png, 1), Is.GreaterThan(200), "training curve");
        Assert.That(Pixels(png, 2), Is.GreaterThan(50), "validation markers");
    }

    [Test]
    public void Render_NoValidation_DrawsTrainingOnly()
    {
        using var png = SKBitmap.Decode(LossChart.Render("t", [3.0, 2.5, 2.0], []));

        Assert.That(Pixels(png, 2), Is.Zero);
        Assert.That(Pixels(png, 1), Is.GreaterThan(50));
    }
}
