using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Split;

/// <summary>Splits a dataset into train/validation/test (random, stratified or grouped; or one fold of
/// k), seeded and deterministic, and reports exact and near-duplicate pairs that cross splits.</summary>
[Step("split", Version = 1, Description = "Seeded random/stratified/grouped train-validation-test split with a leakage report")]
[StepOutput("train", ArtifactKind.Dataset, Description = "Training rows")]
[StepOutput("validation", ArtifactKind.Dataset, Description = "Validation rows")]
[StepOutput("test", ArtifactKind.Dataset, Optional = true, Description = "Test rows; absent when ratios.test is 0 or k_fold is set")]
public sealed class SplitStep : IStep<SplitOptions>
{
    public async Task<StepResult> RunAsync(SplitOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var input = context.ResolvePath(options.Dataset);
        if (!DatasetFile.Exists(input)) return StepResult.Failed($"dataset: no {DatasetFile.FileName} in '{options.Dataset}'; pass an ingest or augment output");
        var problems = SplitValidation.Check(options);
        if (problems.Count > 0) return StepResult.Failed(string.Join("\n", problems.Select(p => $"{p.Key}: {p.Message}")));
        var rows = await DatasetFile.ReadAllAsync(input, cancellationToken);
        if (rows.Count == 0) return StepResult.Failed($"dataset '{options.Dataset}' has no rows to split");
        if (options.Method == SplitMethod.Stratified && rows.All(r => DatasetColumns.Reader(options.StratifyBy)!(r) is null))
            return StepResult.Failed($"stratify_by: column '{options.StratifyBy}' is empty in every row; use method: grouped or another column");

        var parts = SplitAssigner.Assign(rows, options);
        var metrics = new Dictionary<string, double>();
        foreach (var part in SplitValidation.Outputs(options))
        {
            var written = await DatasetFile.WriteAllAsync(context.CreateOutput(LeakageReport.Name(part)),
                rows.Where((_, i) => parts[i] == part), cancellationToken);
            metrics[$"rows_{LeakageReport.Name(part)}"] = written;
        }

        var leakage = LeakageReport.Find(rows, parts, options);
        metrics["leakage_exact_pairs"] = leakage.ExactPairs;
        metrics["leakage_near_pairs"] = leakage.NearPairs;
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        var summary = $"{leakage.ExactPairs} exact and {leakage.NearPairs} near-duplicate pairs cross splits";
        context.Log(leakage.Any ? $"{summary}:\n  {string.Join("\n  ", leakage.FirstPairs)}" : summary,
            leakage.Any ? StepLogLevel.Warning : StepLogLevel.Info);
        return leakage.Any && options.FailOnLeakage
            ? StepResult.Failed($"fail_on_leakage: {summary}, e.g.\n  {string.Join("\n  ", leakage.FirstPairs)}\n" +
                "De-duplicate first (augment dedup:), split with method: grouped, or set fail_on_leakage: false.", metrics)
            : StepResult.Succeeded(metrics);
    }
}
