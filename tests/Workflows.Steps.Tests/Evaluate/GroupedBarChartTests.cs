using Workflows.Steps.Evaluate;
using Workflows.Steps.Evaluate.Charts;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Tests.Evaluate;

[TestFixture]
public sealed class GroupedBarChartTests
{
    private static DecodedPng Chart(params double[] values) => DecodedPng.Decode(GroupedBarChart.Render(
        "test", values.Select((_, i) => i == 0 ? "base" : $"adapter_{i}").ToList(), [new BarGroup(["task", "acc"], values)]).ToPng());

    private static (byte, byte, byte) Colour(int series)
    {
        var c = ChartPalette.SeriesColour(series);
        return (c.R, c.G, c.B);
    }

    /// <summary>The x range of the pixels of <paramref name="colour"/> on the row just above the axis.</summary>
    private static (int First, int Last) BarColumns(DecodedPng png, (byte, byte, byte) colour)
    {
        var xs = Enumerable.Range(0, png.Width).Where(x => png[x, GroupedBarChart.Baseline - 1] == colour).ToList();
        return xs.Count == 0 ? (-1, -1) : (xs[0], xs[^1]);
    }

    private static int BarHeight(DecodedPng png, int x, (byte, byte, byte) colour)
    {
        var height = 0;
        while (png[x, GroupedBarChart.Baseline - 1 - height] == colour) height++;
        return height;
    }

    [Test]
    public void Render_TwoSeries_DrawsEachBarInItsColourStandingOnTheAxis()
    {
        var png = Chart(0.5, 1.0);
        var (baseBar, adapterBar) = (BarColumns(png, Colour(0)), BarColumns(png, Colour(1)));
        Assert.That((png.Width, png.Height), Is.EqualTo((GroupedBarChart.MinWidth, GroupedBarChart.Height)));
        Assert.That(baseBar.First, Is.GreaterThan(0), "base bar drawn");
        Assert.That(adapterBar.First, Is.GreaterThan(baseBar.Last), "series left to right in order");
        Assert.That(png[baseBar.First, GroupedBarChart.Baseline + 1], Is.Not.EqualTo(Colour(0)), "bars stop at the axis");
    }

    [Test]
    public void Render_BiggerValue_DrawsAProportionallyTallerBar()
    {
        var png = Chart(0.25, 0.75);
        var baseHeight = BarHeight(png, BarColumns(png, Colour(0)).First, Colour(0));
        var adapterHeight = BarHeight(png, BarColumns(png, Colour(1)).First, Colour(1));
        Assert.That(adapterHeight, Is.GreaterThan(baseHeight));
        Assert.That(adapterHeight, Is.EqualTo(3 * baseHeight).Within(2));
    }

    [Test]
    public void Render_ValueThatIsNotFinite_DrawsNoBar()
    {
        var png = Chart(double.NaN, 0.5);
        Assert.That(BarColumns(png, Colour(0)), Is.EqualTo((-1, -1)));
        Assert.That(BarColumns(png, Colour(1)).First, Is.GreaterThan(0));
    }

    [Test]
    public void Render_ManyGroups_WidensTheImageInsteadOfSqueezingBars()
    {
        var groups = Enumerable.Range(0, 20).Select(i => new BarGroup([$"task{i}", "acc"], [0.5, 0.6, 0.7])).ToList();
        var canvas = GroupedBarChart.Render("wide", ["base", "a1", "a2"], groups);
        Assert.That(canvas.Width, Is.GreaterThan(GroupedBarChart.MinWidth));
    }

    [Test]
    public void Label_Values_UseUpToThreeDecimalsInvariantly()
    {
        Assert.That(new[] { 1.68843, 0.5, 12345.6, double.NaN }.Select(GroupedBarChart.Label), Is.EqualTo(new[] { "1.688", "0.5", "12346", "n/a" }));
    }

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
        var first = EvaluationChart.Render(results);
        var second = EvaluationChart.Render(results);
        Assert.That(second, Is.EqualTo(first));
    }
}
