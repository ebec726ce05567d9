using System.Globalization;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>Resolves gate keys (<c>TASK.METRIC</c> or <c>METRIC</c>) to task metrics and judges results against them.</summary>
internal static class GateCheck
{
    /// <summary>The (task, metric) pairs a gate key names.</summary>
    public static IEnumerable<(string Task, string Metric)> Matches(string key, EvaluateOptions options)
    {
        var dot = key.IndexOf('.');
        foreach (var (name, task) in options.Tasks)
        {
            var metrics = TaskMetrics.Of(task).Append(TaskMetrics.Items);
            if (dot < 0 && metrics.Contains(key)) yield return (name, key);
            else if (dot > 0 && key[..dot] == name && metrics.Contains(key[(dot + 1)..])) yield return (name, key[(dot + 1)..]);
        }
    }

    /// <summary>Every gateable <c>TASK.METRIC</c>, for messages.</summary>
    public static IEnumerable<string> Known(EvaluateOptions options) =>
        options.Tasks.SelectMany(t => TaskMetrics.Of(t.Value).Select(m => $"{t.Key}.{m}"));

    /// <summary>One line per breached gate; the adapters are judged when there are any, else the base.</summary>
    public static List<string> Failures(EvaluateOptions options, IReadOnlyList<ModelResult> results)
    {
        var judged = results.Count > 1 ? results.Where(r => !r.IsBase).ToList() : results.ToList();
        var failures = new List<string>();
        foreach (var (key, gate) in options.Gates)
        foreach (var (task, metric) in Matches(key, options))
        foreach (var result in judged)
        {
            var value = result.Tasks[task].Metrics[metric];
            var where = $"gate {task}.{metric}{(results.Count > 1 ? $" ({result.Name})" : "")}";
            if (double.IsNaN(value)) failures.Add($"{where}: no value (no item could be scored)");
            else if (gate.Max is { } max && value > max) failures.Add($"{where}: {Format(value)} > max {Format(max)}");
            else if (gate.Min is { } min && value < min) failures.Add($"{where}: {Format(value)} < min {Format(min)}");
        }
        return failures;
    }

    public static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
