using Workflows.Engine.Steps;
using Workflows.Steps.Adapters;
using Workflows.Steps.EvalData;
using Workflows.Steps.Evaluate.Scoring;
using Workflows.Torch;
using Workflows.Torch.Engine;

namespace Workflows.Steps.Evaluate;

/// <summary>Scores a base model, and each adapter beside it, on perplexity, multiple-choice and generation
/// tasks; writes a side-by-side report and fails when a gate is breached.</summary>
[Step("evaluate", Version = 8, UsesDevice = true, Description = "Perplexity, multiple-choice accuracy, generation metrics and preference accuracy; base vs adapters side by side; gates")]
[StepOutput("report", ArtifactKind.Report, Description = "report.json, report.md and chart.png: metrics per model and task, deltas, gates, sample items")]
public sealed class EvaluateStep : IStep<EvaluateOptions>
{
    public async Task<StepResult> RunAsync(EvaluateOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var applier = AdapterSupport.Applier;
        var (items, errors) = await TaskItems.LoadAsync(options, context, cancellationToken);
        if (errors.Count > 0) return StepResult.Failed(string.Join("\n", errors));
        LoadedModel loaded;
        try
        {
            DeviceEngine.Shared.UseDevice(context.Device);
            loaded = DeviceEngine.Shared.Load(context.ResolvePath(options.Model), new ModelLoadOptions { Dtype = options.Dtype });
        }
        catch (Exception e) when (e is ModelLoadException or ArgumentException)
        {
            return StepResult.Failed($"model: {e.Message}");
        }

        List<ModelResult> results;
        try
        {
            results = Score(options, items, loaded, applier, context, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return StepResult.Failed(e.Message);                                               // an adapter that is none, a chat template that does not load
        }

        var failures = GateCheck.Failures(options, results);
        var report = context.CreateOutput("report");
        await EvaluationReport.WriteAsync(report, options, results, failures, context.ProjectRoot, cancellationToken);
        var metrics = EvaluationMetrics.Flatten(results);
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        if (failures.Count == 0) return StepResult.Succeeded(metrics);
        var kept = FailedReport.Keep(report, context, EvaluationReport.MarkdownFile, EvaluationReport.JsonFile, EvaluationChart.FileName);
        return StepResult.Failed($"{string.Join("\n", failures)}\nFull report: {kept}", metrics);
    }

    private static List<ModelResult> Score(EvaluateOptions options, Dictionary<string, List<EvalExample>> items, LoadedModel loaded, IAdapterApplier applier,
        IStepContext context, CancellationToken cancellationToken)
    {
        var total = options.Tasks.Count * (1 + options.Adapters.Count);
        var results = new List<ModelResult>
        {
            TaskRunner.Run(new ModelUnderTest(ModelResult.BaseName, options.Model, loaded.Model, loaded.Tokenizer, TemplateHome: ChatTemplateHome.Of(loaded.Path, null)), options, items, context, (0, total), cancellationToken),
        };
        for (var i = 0; i < options.Adapters.Count; i++)
        {
            AppliedAdapter applied;
            try
            {
                applied = applier.Apply(loaded, options.Adapters[i], options.QuantisedBase);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"adapters[{i}]: {e.Message}", e);
            }
            using var release = applied;
            if (applied.BaseDescription is { } described) context.Log($"adapters[{i}]: on the {described}");
            var model = new ModelUnderTest($"adapter_{i + 1}", options.Adapters[i], applied.Model, applied.Tokenizer ?? loaded.Tokenizer, applied.BaseDescription,
                ChatTemplateHome.Of(loaded.Path, options.Adapters[i]));
            results.Add(TaskRunner.Run(model, options, items, context, ((i + 1) * options.Tasks.Count, total), cancellationToken));
        }

        return results;
    }
}
