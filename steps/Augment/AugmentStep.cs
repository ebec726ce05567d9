using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Seeded, deterministic augmentation: template variables, instruction rephrasing and prompt
/// noise, then exact and near-duplicate removal. Every generated row's <c>source_id</c> names the
/// original row, so split can keep a row and its variants on one side.</summary>
[Step("augment", Version = 1, Description = "Fill template variables, rephrase, add noise and de-duplicate, seeded and deterministic")]
[StepOutput("dataset", ArtifactKind.Dataset, Description = "The augmented dataset (canonical schema)")]
public sealed class AugmentStep : IStep<AugmentOptions>
{
    public async Task<StepResult> RunAsync(AugmentOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var input = context.ResolvePath(options.Dataset);
        if (!DatasetFile.Exists(input)) return StepResult.Failed($"dataset: no {DatasetFile.FileName} in '{options.Dataset}'; pass an ingest output");
        var problems = AugmentPipeline.Validate(options);
        if (problems.Count > 0) return StepResult.Failed(string.Join("\n", problems));

        var pipeline = AugmentPipeline.FromOptions(options);
        var dedup = new Deduplicator(options.Dedup);
        long rowsIn = 0, generated = 0, written;
        await using (var writer = await DatasetFile.CreateWriterAsync(context.CreateOutput("dataset"), cancellationToken))
        {
            await foreach (var row in DatasetFile.ReadAsync(input, cancellationToken))
            {
                rowsIn++;
                foreach (var augmented in await pipeline.ApplyAsync(row, cancellationToken))
                {
                    generated++;
                    if (dedup.Keep(augmented)) await writer.WriteAsync(augmented, cancellationToken);
                }
            }
            written = writer.Count;
        }

        foreach (var (name, count) in pipeline.Templates?.Unfilled ?? [])
            context.Log($"template variable '{name}' has no value; left as written in {count} fields", StepLogLevel.Warning);
        var metrics = new Dictionary<string, double>
        {
            ["rows_in"] = rowsIn,
            ["rows_out"] = written,
            ["rows_before_dedup"] = generated,
            ["rows_templated"] = pipeline.Templates?.TemplatedRows ?? 0,
            ["rows_removed_exact"] = dedup.RemovedExact,
            ["rows_removed_near"] = dedup.RemovedNear,
            ["template_unfilled"] = pipeline.Templates?.Unfilled.Values.Sum() ?? 0,
        };
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        return written == 0 ? StepResult.Failed("augment produced no rows: the input dataset is empty", metrics) : StepResult.Succeeded(metrics);
    }
}
