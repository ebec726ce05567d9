using SkiaSharp;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Evaluate.Charts;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Tests.Evaluate.Charts;

[TestFixture]
public sealed class BarChartTests
{
    private static SKBitmap Chart(params double[] values) => SKBitmap.Decode(BarChart.Render(
        "test", values.Select((_, i) => i == 0 ? "base" : $"adapter_{i}").ToList(), [new BarGroup(["task", "acc"], values)]));

    private static int Pixels(SKBitmap bitmap, int series, int top = 0)
    {
        var colour = ChartPalette.SeriesColour(series);
        var count = 0;
        for (var y = top; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p.Red == colour.R && p.Green == colour.G && p.Blue == colour.B) count++;
            }

        return count;
    }

    [Test]
    public void Render_TwoSeries_PngWithABarInEachColour()
    {
        using var png = Chart(0.5, 1.0);

        Assert.That((png.Width, png.Height), Is.EqualTo((BarChart.MinWidth, BarChart.Height)));
        Assert.That(Pixels(png, 0), Is.GreaterThan(100), "base bar");
        Assert.That(Pixels(png, 1), Is.GreaterThan(100), "adapter bar");
    }

    [Test]
    public void Render_BiggerValue_DrawsAProportionallyTallerBar()
    {
        using var png = Chart(0.25, 0.75);

        // Bars are equally wide, so their areas (less the legend swatches, equal for both) compare as heights.
        Assert.That((double)Pixels(png, 1, top: 60) / Pixels(png, 0, top: 60), Is.EqualTo(3).Within(0.35));
    }

    [Test]
    public void Render_ValueThatIsNotFinite_DrawsNoBar()
    {
        using var withBar = Chart(0.5, 0.5);
        using var withoutBar = Chart(double.NaN, 0.5);

        Assert.That(Pixels(withoutBar, 0), Is.LessThan(Pixels(withBar, 0) / 4), "only the legend swatch is left");
    }

    [Test]
    public void Render_Title_DrawsText()
    {
        using var png = Chart(0.5, 0.5);
        var dark = 0;
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < png.Width; x++)
                if (png.GetPixel(x, y).Red < 100) dark++;

        Assert.That(dark, Is.GreaterThan(50), "the title needs a font; install fonts-dejavu-core when this fails");
    }

    [Test]
    public void Render_ManyGroups_WidensTheImageInsteadOfSqueezingBars()
    {
        var groups = Enumerable.Range(0, 20).Select(i => new BarGroup([$"task{i}", "acc"], [0.5, 0.6, 0.7])).ToList();
        using var png = SKBitmap.Decode(BarChart.Render("wide", ["base", "a1", "a2"], groups));
        Assert.That(png.Width, Is.GreaterThan(BarChart.MinWidth));
    }

    [Test]
    public void Label_Values_UseUpToThreeDecimalsInvariantly() =>
        Assert.That(new[] { 1.68843, 0.5, 12345.6, double.NaN }.Select(BarChart.Label), Is.EqualTo(new[] { "1.688", "0.5", "12346", "n/a" }));

    private static ModelResult Result(string name, double loss, double acc) => new(name, name, new()
    {
        ["stories"] = new TaskScores(new() { ["loss"] = loss, ["perplexity"] = Math.Exp(loss), ["tokens"] = 900, [TaskMetrics.Items] = 19 }, []),
        ["sst2"] = new TaskScores(new() { ["acc"] = acc, ["acc_norm"] = acc, [TaskMetrics.Items] = 20 }, []),
    });

    [Test]
    public void EvaluationChart_Groups_DrawLossForPerplexityAndSkipCounts()
    {
        var groups = EvaluationChart.Groups([Result(ModelResult.BaseName, 1.7, 0.5), Result("adapter_1", 1.5, 0.6)]);
        Assert.That(groups.Select(g => string.Join(".", g.Caption.Take(2))), Is.EqualTo(new[] { "stories.loss", "sst2.acc", "sst2.acc_norm" }));
        Assert.That(groups[0].Caption, Has.Member("lower is better"));
        Assert.That(groups[0].Values, Is.EqualTo(new[] { 1.7, 1.5 }));
    }

    [Test]
    public void EvaluationChart_SameResults_SameBytes()
    {
        IReadOnlyList<ModelResult> results = [Result(ModelResult.BaseName, 1.7, 0.5), Result("adapter_1", 1.5, 0.6)];
        Assert.That(EvaluationChart.Render(results), Is.EqualTo(EvaluationChart.Render(results)));
    }
}
