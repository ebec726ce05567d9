using System.Text.Json;

namespace Workflows.Steps.Package;

/// <summary>The evaluation results of a card's <c>model-index</c>, read from evaluate reports'
/// <c>report.json</c>: every metric of the last model each report scored (the tuned one; the base comes first).</summary>
internal static partial class ModelIndex
{
    /// <summary>One result: task name, task type, dataset name, metric name and value.</summary>
    public sealed record Entry(string Task, string TaskType, string Dataset, string Metric, double Value);

    public static List<Entry> Read(IEnumerable<string> reports)
    {
        var entries = new List<Entry>();
        foreach (var report in reports)
        {
            var path = Path.Combine(report, "report.json");
            if (!File.Exists(path)) continue;
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("results", out var results) || results.GetArrayLength() == 0 || !root.TryGetProperty("tasks", out var tasks)) continue;   // a guard report
            var scored = results[results.GetArrayLength() - 1].GetProperty("tasks");
            foreach (var task in scored.EnumerateObject())
            {
                var definition = tasks.TryGetProperty(task.Name, out var d) ? d : default;
                var type = definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("type", out var t) ? t.GetString() ?? "custom" : "custom";
                var file = definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("dataset", out var ds) && ds.GetString() is { } p
                    ? Path.GetFileNameWithoutExtension(p.TrimEnd('/', '\\')) : null;
                // A step output's folder is named by its digest, which says nothing to a reader: the task names it then.
                var dataset = file is null || StoreDigest().IsMatch(file) ? task.Name : file;
                foreach (var metric in task.Value.GetProperty("metrics").EnumerateObject())
                    if (metric.Value.ValueKind == JsonValueKind.Number && metric.Name is not ("items" or "tokens"))
                        entries.Add(new Entry(task.Name, type, dataset, metric.Name, metric.Value.GetDouble()));
            }
        }

        return entries;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial System.Text.RegularExpressions.Regex StoreDigest();
}
