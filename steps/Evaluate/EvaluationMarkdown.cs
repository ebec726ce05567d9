using System.Text;
using Workflows.Steps.Evaluate.Scoring;

namespace Workflows.Steps.Evaluate;

/// <summary>The Markdown report: one row per task metric, one column per model, with adapter − base deltas.</summary>
internal static class EvaluationMarkdown
{
    public static string Render(EvaluateOptions options, IReadOnlyList<ModelResult> results, IReadOnlyList<string> failures)
    {
        var md = new StringBuilder();
        md.AppendLine("# Evaluation").AppendLine();
        md.AppendLine($"Base model: `{options.Model}`");
        foreach (var adapter in results.Where(r => !r.IsBase)) md.AppendLine($"- {adapter.Name}: `{adapter.Source}`{(adapter.Base is null ? "" : $", on the {adapter.Base}")}");
        md.AppendLine().AppendLine($"![base vs adapters]({EvaluationChart.FileName})").AppendLine();
        var adapters = results.Skip(1).ToList();
        md.Append("| task | metric | items | base |");
        foreach (var a in adapters) md.Append($" {a.Name} | Δ {a.Name} |");
        md.AppendLine().Append("|---|---|---:|---:|");
        foreach (var _ in adapters) md.Append("---:|---:|");
        md.AppendLine();
        foreach (var (task, scores) in results[0].Tasks)
        foreach (var (metric, value) in scores.Metrics.Where(m => m.Key != TaskMetrics.Items))
        {
            md.Append($"| {task} | {metric} | {scores.Metrics[TaskMetrics.Items]:0} | {Cell(value)} |");
            foreach (var a in adapters)
            {
                var other = a.Tasks[task].Metrics[metric];
                md.Append($" {Cell(other)} | {Delta(other - value, metric)} |");
            }
            md.AppendLine();
        }
        md.AppendLine().AppendLine("## Gates").AppendLine();
        if (options.Gates.Count == 0) md.AppendLine("No gates.");
        foreach (var (key, gate) in options.Gates)
            md.AppendLine($"- `{key}`: {(gate.Min is { } min ? $"min {GateCheck.Format(min)} " : "")}{(gate.Max is { } max ? $"max {GateCheck.Format(max)}" : "")}");
        md.AppendLine().AppendLine(failures.Count == 0 ? "**All gates passed.**" : "**Failed:**");
        foreach (var failure in failures) md.AppendLine($"- {failure}");
        AppendSamples(md, results);
        return md.ToString();
    }

    private static void AppendSamples(StringBuilder md, IReadOnlyList<ModelResult> results)
    {
        foreach (var result in results)
        foreach (var (task, scores) in result.Tasks.Where(t => t.Value.Samples.Count > 0))
        {
            md.AppendLine().AppendLine($"## Samples: {task} ({result.Name})").AppendLine();
            md.AppendLine("| item | reference | prediction | score |").AppendLine("|---|---|---|---:|");
            foreach (var s in scores.Samples) md.AppendLine($"| {s.Id} | {Escape(s.Reference)} | {Escape(s.Prediction)} | {s.Score:0.##} |");
        }
    }

    private static string Cell(double value) => double.IsFinite(value) ? GateCheck.Format(value) : "n/a";

    private static string Delta(double delta, string metric)
    {
        if (!double.IsFinite(delta)) return "n/a";
        var better = delta == 0 ? "" : (delta > 0) == TaskMetrics.HigherIsBetter(metric) ? " ▲" : " ▼";
        return (delta >= 0 ? "+" : "") + GateCheck.Format(delta) + better;
    }

    private static string Escape(string text)
    {
        var line = text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ⏎ ");
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
