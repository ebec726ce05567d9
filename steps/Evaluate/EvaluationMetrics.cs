using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>Metric keys for tracking: <c>TASK.METRIC</c> for the base, <c>ADAPTER.TASK.METRIC</c> and
/// <c>ADAPTER.TASK.METRIC_delta</c> (adapter − base) for each adapter. Values that could not be computed are left out.</summary>
internal static class EvaluationMetrics
{
    public static Dictionary<string, double> Flatten(IReadOnlyList<ModelResult> results)
    {
        var metrics = new Dictionary<string, double>();
        foreach (var result in results)
        {
            var prefix = result.IsBase ? "" : result.Name + ".";
            foreach (var (task, scores) in result.Tasks)
            foreach (var (metric, value) in scores.Metrics)
                metrics[$"{prefix}{task}.{metric}"] = value;
            if (!result.IsBase)
                foreach (var (key, delta) in EvaluationReport.DeltaValues(results[0], result))
                    metrics[$"{prefix}{key}_delta"] = delta;
        }
        return metrics.Where(m => double.IsFinite(m.Value)).ToDictionary();
    }
}
