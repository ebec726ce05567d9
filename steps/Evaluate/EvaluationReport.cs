using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>Writes <c>report.json</c> (every metric of every model, deltas against the base, gates, sample items)
/// <c>report.md</c> (the same as tables) and <c>chart.png</c> (base vs adapters as bars) into the report folder.</summary>
internal static class EvaluationReport
{
    public const string JsonFile = "report.json";
    public const string MarkdownFile = "report.md";

    public static async Task WriteAsync(string folder, EvaluateOptions options, IReadOnlyList<ModelResult> results,
        IReadOnlyList<string> failures, string projectRoot, CancellationToken ct)
    {
        // Store inputs are recorded relative to the project, so the report is the same wherever it lives.
        options = options with
        {
            Adapters = options.Adapters.Select(a => ReportPaths.Portable(a, projectRoot)!).ToList(),
            Tasks = options.Tasks.ToDictionary(t => t.Key, t => t.Value with { Dataset = ReportPaths.Portable(t.Value.Dataset, projectRoot)! }),
        };
        results = results.Select(r => r with { Source = ReportPaths.Portable(r.Source, projectRoot)! }).ToList();
        var json = new JsonObject
        {
            ["model"] = options.Model,
            ["adapters"] = new JsonArray(options.Adapters.Select(a => (JsonNode?)a).ToArray()),
            ["tasks"] = new JsonObject(options.Tasks.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)new JsonObject
            {
                ["type"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Value.Type.ToString()),
                ["dataset"] = t.Value.Dataset,
                ["limit"] = t.Value.Limit,
            }))),
            ["results"] = new JsonArray(results.Select(r => (JsonNode?)Result(r)).ToArray()),
            ["deltas"] = new JsonObject(results.Where(r => !r.IsBase).Select(r => KeyValuePair.Create(r.Name, (JsonNode?)Deltas(results[0], r)))),
            ["gates"] = new JsonObject(options.Gates.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonObject { ["min"] = g.Value.Min, ["max"] = g.Value.Max }))),
            ["gate_failures"] = new JsonArray(failures.Select(f => (JsonNode?)f).ToArray()),
            ["passed"] = failures.Count == 0,
        };
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFile), EvaluationMarkdown.Render(options, results, failures) + TrainingCurves(folder, options), ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, EvaluationChart.FileName), EvaluationChart.Render(results), ct);
    }

    /// <summary>Copies each adapter's loss curve (written by the train step) beside the report; returns the
    /// Markdown section that shows them, or nothing when no adapter has one.</summary>
    private static string TrainingCurves(string folder, EvaluateOptions options)
    {
        var section = new System.Text.StringBuilder();
        for (var i = 0; i < options.Adapters.Count; i++)
        {
            var curve = Path.Combine(options.Adapters[i], Charts.LossChart.FileName);
            if (!File.Exists(curve)) continue;
            var name = $"loss_curve_adapter_{i + 1}.png";
            File.Copy(curve, Path.Combine(folder, name), overwrite: true);
            section.AppendLine($"![adapter_{i + 1} training and validation loss]({name})").AppendLine();
        }

        return section.Length == 0 ? "" : "\n## Training curves\n\n" + section;
    }

    /// <summary>adapter − base for every metric both report.</summary>
    public static Dictionary<string, double> DeltaValues(ModelResult baseline, ModelResult other) =>
        other.Tasks.SelectMany(t => t.Value.Metrics.Where(m => m.Key != TaskMetrics.Items)
                .Select(m => (Key: $"{t.Key}.{m.Key}", Delta: m.Value - baseline.Tasks[t.Key].Metrics[m.Key])))
            .ToDictionary(x => x.Key, x => x.Delta);

    private static JsonObject Deltas(ModelResult baseline, ModelResult other) =>
        new(DeltaValues(baseline, other).Select(d => KeyValuePair.Create(d.Key, Number(d.Value))));

    private static JsonObject Result(ModelResult result) => new()
    {
        ["name"] = result.Name,
        ["source"] = result.Source,
        ["base"] = result.Base,
        ["tasks"] = new JsonObject(result.Tasks.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)new JsonObject
        {
            ["metrics"] = new JsonObject(t.Value.Metrics.Select(m => KeyValuePair.Create(m.Key, Number(m.Value)))),
            ["samples"] = new JsonArray(t.Value.Samples.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id, ["prompt"] = s.Prompt, ["reference"] = s.Reference, ["prediction"] = s.Prediction, ["score"] = s.Score,
            }).ToArray()),
        }))),
    };

    // JSON has no NaN: a metric that could not be computed is null.
    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
