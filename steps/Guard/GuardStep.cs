using Workflows.Engine.Steps;
using Workflows.Steps.Adapters;
using Workflows.Steps.EvalData;
using Workflows.Steps.Guard.GuardModel;
using Workflows.Torch;
using Workflows.Torch.Engine;

namespace Workflows.Steps.Guard;

/// <summary>Red-teams a model with a prompt suite (rule checks on each reply, refusal detection, an optional
/// Llama-Guard-style classifier) and/or scans a dataset for personal data, secrets and blocked content;
/// fails when a category's violation rate is above its threshold.</summary>
[Step("guard", Version = 5, UsesDevice = true, Description = "Prompt suites through the model; PII/secret/blocklist/refusal checks; optional guard model; thresholds")]
[StepOutput("report", ArtifactKind.Report, Description = "report.json and report.md: rates per category and every violation, personal data masked")]
public sealed class GuardStep : IStep<GuardOptions>
{
    public async Task<StepResult> RunAsync(GuardOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var detectors = RuleDetectors.For(options);
        var notes = new List<string>();
        List<GuardItem>? scanItems = null;
        if (options.Scan is not null)
        {
            var (rows, error) = await ScanReader.ReadAsync(context.ResolvePath(options.Scan), options.Scan, context.TempDirectory, cancellationToken);
            if (error is not null) return StepResult.Failed(error);
            scanItems = rows.Select(r => new GuardItem(r.Id, r.Text, null, RuleDetectors.Find(detectors, r.Text), null, null)).ToList();
        }

        List<GuardItem>? suiteItems = null;
        if (options.Prompts is not null)
        {
            var set = await ExampleReader.ReadAsync(context.ResolvePath(options.Prompts), options.Prompts, options.Fields, context.TempDirectory, cancellationToken);
            if (set.Error is not null) return StepResult.Failed($"prompts: {set.Error}");
            var prompts = ExampleSampler.Take(set.Examples.Where(e => !string.IsNullOrWhiteSpace(e.Prompt)).ToList(), options.Limit, options.Sample, options.Seed);
            if (prompts.Count == 0) return StepResult.Failed($"prompts: no '{options.Fields.Prompt}' field with text in '{options.Prompts}'; set fields: {{ prompt: COLUMN }}");
            try
            {
                suiteItems = RunSuite(options, prompts, detectors, context, notes, cancellationToken);
            }
            catch (ModelLoadException e)
            {
                return StepResult.Failed(e.Message);
            }
            catch (InvalidDataException e)
            {
                return StepResult.Failed($"adapter: {e.Message}");
            }
        }

        var suite = suiteItems is null ? null : new GuardTally(suiteItems);
        var scan = scanItems is null ? null : new GuardTally(scanItems);
        var run = new GuardRun(options, suiteItems, suite, scanItems, scan, GuardThresholds.Breaches(options.Thresholds, suite, scan), notes);
        var report = context.CreateOutput("report");
        await GuardReport.WriteAsync(report, run, context.ProjectRoot, cancellationToken);
        var metrics = run.Metrics();
        foreach (var (key, value) in metrics) context.LogMetric(key, value);
        if (run.Breaches.Count == 0) return StepResult.Succeeded(metrics);
        var kept = FailedReport.Keep(report, context, GuardReport.MarkdownFile, GuardReport.JsonFile);
        return StepResult.Failed($"{string.Join("\n", run.Breaches)}\nFull report (masked): {kept}", metrics);
    }

    private static List<GuardItem> RunSuite(GuardOptions options, List<EvalExample> prompts, IReadOnlyList<Detectors.IDetector> detectors,
        IStepContext context, List<string> notes, CancellationToken ct)
    {
        DeviceEngine.Shared.UseDevice(context.Device);
        var loaded = DeviceEngine.Shared.Load(context.ResolvePath(options.Model!));
        GuardClassifier? classifier = null;
        if (options.GuardModel is { } guard)
        {
            classifier = new GuardClassifier(DeviceEngine.Shared.Load(context.ResolvePath(guard.Model)), guard);
            context.Log($"guard_model: verdicts come from '{guard.Model}'; only a Llama-Guard-style classifier gives meaningful ones — any other model is a plumbing check, and answers not in the safe/unsafe format count as unparseable, never as safe", StepLogLevel.Warning);
        }
        using var applied = options.Adapter is null ? null : AdapterSupport.Applier.Apply(loaded, options.Adapter, options.QuantisedBase);
        var tokenizer = applied?.Tokenizer ?? loaded.Tokenizer;
        var chat = options.ChatTemplate is { } name ? Workflows.Torch.Chat.ChatTemplate.Load(name, ChatTemplateHome.Of(loaded.Path, options.Adapter), tokenizer) : null;
        var items = PromptSuite.Run(applied?.Model ?? loaded.Model, tokenizer, prompts, options, detectors, classifier, context, ct, chat);
        var unparseable = items.Count(i => i.Verdict?.Outcome == GuardOutcome.Unparseable);
        if (classifier is not null && unparseable * 2 > items.Count)
            notes.Add($"guard_model '{options.GuardModel!.Model}': {unparseable} of {items.Count} answers are unparseable — it does not answer in the Llama Guard format, so this run only checks the plumbing; its verdicts say nothing about safety.");
        foreach (var note in notes) context.Log(note, StepLogLevel.Warning);
        if (applied?.BaseDescription is { } described)
        {
            notes.Add($"The adapter runs on the {described}.");
            context.Log($"adapter: on the {described}");
        }
        return items;
    }
}
