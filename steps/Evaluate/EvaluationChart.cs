using Workflows.Steps.Evaluate.Charts;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>The report's <c>chart.png</c>: base vs adapters as grouped bars, one group per task metric of the
/// Markdown table, one bar per model.</summary>
internal static class EvaluationChart
{
    public const string FileName = "chart.png";

    // perplexity is exp(loss): drawn as loss, whose differences stay on a readable scale. tokens is a count
    // that every model shares, not a score.
    private static readonly HashSet<string> NotDrawn = [TaskMetrics.Items, "perplexity", "tokens"];

    public static byte[] Render(IReadOnlyList<ModelResult> results)
    {
        var title = results.Count > 1 ? "Base vs adapters" : "Base model";
        return BarChart.Render(title, results.Select(r => r.Name).ToList(), Groups(results));
    }

    /// <summary>The groups drawn, in the report table's order.</summary>
    public static List<BarGroup> Groups(IReadOnlyList<ModelResult> results) =>
        results[0].Tasks.SelectMany(t => t.Value.Metrics.Keys.Where(m => !NotDrawn.Contains(m)).Select(metric => new BarGroup(
                TaskMetrics.HigherIsBetter(metric) ? [t.Key, metric] : [t.Key, metric, "lower is better"],
                results.Select(r => r.Tasks.TryGetValue(t.Key, out var s) && s.Metrics.TryGetValue(metric, out var v) ? v : double.NaN).ToList())))
            .ToList();
}
