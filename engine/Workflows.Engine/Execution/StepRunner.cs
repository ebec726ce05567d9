using System.Collections.Concurrent;
using Polly;
using Polly.Timeout;
using Workflows.Engine.Caching;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution;

/// <summary>Runs one step of a plan: fingerprint now that inputs exist, cache check, device lease,
/// the step itself under an optional timeout, then atomic commit of its outputs.</summary>
internal sealed class StepRunner(ProjectLayout layout, ExecutionPlan plan, RunRecord record, RunRequest request, ITracker tracker, IReadOnlyDictionary<string, string> runTags)
{
    private readonly ArtifactStore _store = new(layout);
    private readonly RunRecordStore _records = new(layout);
    private readonly StepBinding _binding = new(plan.Workflow, new ArtifactStore(layout));
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _known = new(StringComparer.Ordinal);

    public StepRecord Skip(StepPlan stepPlan, StepRecord? blockedBy, bool cancelled)
    {
        var step = record.Step(stepPlan.Step.Name);
        step.State = stepPlan.Decision == StepDecision.NotSelected ? StepState.NotSelected : cancelled ? StepState.Cancelled : StepState.Skipped;
        if (step.State == StepState.Skipped) step.Error = $"upstream step '{blockedBy!.Name}' {blockedBy.State.ToString().ToLowerInvariant()}";
        if (step.State == StepState.Cancelled) step.Error = "the run was cancelled before this step started";
        Finish(step);
        return step;
    }

    public async Task RunAsync(StepPlan stepPlan, CancellationToken cancellationToken)
    {
        var step = record.Step(stepPlan.Step.Name);
        if (stepPlan.Decision == StepDecision.NotSelected)
        {
            Skip(stepPlan, null, false);
            return;
        }
        var fingerprint = _binding.Fingerprint(stepPlan.Step, _known);
        step.Fingerprint = fingerprint.Fingerprint;
        var cached = stepPlan.Forced ? null : stepPlan.Cache ?? new RunCache(layout, _store).Lookup(fingerprint.Fingerprint!);
        if (cached is not null)
        {
            if (stepPlan.Decision == StepDecision.Run) step.Reason = "cached (upstream outputs unchanged)";
            await RecordCachedAsync(step, cached);
            return;
        }

        step.State = StepState.Running;
        step.Started = DateTimeOffset.UtcNow;
        step.Error = null;
        _records.Save(record);
        request.Observer.StepStarted(step.Name);

        var stepType = stepPlan.Step.Type;
        var options = _binding.ForExecution(stepPlan.Step, _known);
        var canonicalParams = CanonicalJson.Flatten(fingerprint.Options);
        var trackingRun = await tracker.StartRunAsync(StepRunStart(step, stepType.Name, fingerprint.Fingerprint!, cached: false), CancellationToken.None);
        await tracker.LogParamsAsync(trackingRun, canonicalParams.ToDictionary(p => p.Key, p => p.Value), CancellationToken.None);

        var workRoot = Path.Combine(layout.Temp, record.Id, step.Name);
        if (Directory.Exists(workRoot)) Directory.Delete(workRoot, recursive: true);
        var settings = new StepContextSettings(step.Name, plan.Workflow.Definition.Name, plan.Workflow.Definition.Device, fingerprint.Fingerprint!,
            plan.Workflow.ProjectRoot, Lineage(fingerprint.Fingerprint!, stepPlan.Step), workRoot, Path.Combine(layout.Checkpoints, fingerprint.Fingerprint!),
            Path.Combine(_records.DirectoryOf(record.Id), "logs", step.Name + ".log"));
        Directory.CreateDirectory(Path.GetDirectoryName(settings.LogFile)!);
        var context = new StepContext(settings, stepType, request.Observer, tracker, trackingRun);

        var outcome = await InvokeAsync(stepPlan, options, context, cancellationToken);
        await context.FlushAsync(CancellationToken.None);
        step.Metrics = context.LastMetrics.ToDictionary();
        foreach (var (key, value) in outcome.Metrics) step.Metrics[key] = value;
        if (outcome.Metrics.Count > 0)
            await tracker.LogMetricsAsync(trackingRun, outcome.Metrics.Select(m => new MetricPoint(m.Key, m.Value, 0, DateTimeOffset.UtcNow)).ToList(), CancellationToken.None);

        if (outcome.State == StepState.Succeeded)
            outcome = Commit(stepPlan, step, context, fingerprint, outcome);
        // Reports are small and are what people browse; models and datasets stay in the store
        // (steps that publish them, like package, log them themselves).
        foreach (var (name, digest) in step.Outputs.Where(o => stepType.Output(o.Key)?.Kind == ArtifactKind.Report))
            await tracker.LogArtifactAsync(trackingRun, _store.PathOf(digest), name, CancellationToken.None);
        step.State = outcome.State;
        step.Error = outcome.Error;
        step.Ended = DateTimeOffset.UtcNow;
        if (step.State == StepState.Failed) context.Log(step.Error ?? "failed", StepLogLevel.Error);
        await tracker.EndRunAsync(trackingRun, step.State switch
        {
            StepState.Succeeded => TrackingRunStatus.Finished,
            StepState.Cancelled => TrackingRunStatus.Killed,
            _ => TrackingRunStatus.Failed,
        }, CancellationToken.None);
        if (Directory.Exists(workRoot)) Directory.Delete(workRoot, recursive: true);
        Finish(step);
    }

    private async Task<StepOutcome> InvokeAsync(StepPlan stepPlan, object options, StepContext context, CancellationToken cancellationToken)
    {
        var stepType = stepPlan.Step.Type;
        try
        {
            using var lease = stepType.UsesDevice ? await request.DeviceLease.AcquireAsync(cancellationToken) : null;
            var builder = new ResiliencePipelineBuilder();
            if (stepPlan.Step.Definition.TimeoutMinutes is { } minutes) builder.AddTimeout(TimeSpan.FromMinutes(minutes));
            var result = await builder.Build().ExecuteAsync(async ct => await stepType.Invoke(options, context, ct), cancellationToken);
            return result.Success
                ? new StepOutcome(StepState.Succeeded, null, result.Metrics)
                : new StepOutcome(StepState.Failed, result.Error ?? "the step reported a failure without a message", result.Metrics);
        }
        catch (TimeoutRejectedException)
        {
            return StepOutcome.Failure($"timed out after {stepPlan.Step.Definition.TimeoutMinutes} minute(s) (timeout_minutes); raise the limit or reduce the work");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StepOutcome(StepState.Cancelled, "cancelled; continue with `wf resume " + record.Id + "`", new Dictionary<string, double>());
        }
        catch (Exception e)
        {
            context.Log(e.ToString(), StepLogLevel.Error);
            return StepOutcome.Failure($"step type '{stepType.Name}' crashed: {e.GetType().Name}: {e.Message} (details in .wf/runs/{record.Id}/logs/{context.StepName}.log)");
        }
    }

    private StepOutcome Commit(StepPlan stepPlan, StepRecord step, StepContext context, FingerprintResult fingerprint, StepOutcome outcome)
    {
        var missing = stepPlan.Step.Type.Outputs.Where(o => !o.Optional && !context.Outputs.ContainsKey(o.Name)).Select(o => o.Name).ToList();
        if (missing.Count > 0)
            return StepOutcome.Failure($"step type '{stepPlan.Step.Type.Name}' finished without writing its output(s): {string.Join(", ", missing)}");
        var provenance = new ArtifactProvenance(plan.Workflow.Definition.Name, step.Name, stepPlan.Step.Type.Name, fingerprint.Fingerprint!, record.Id);
        foreach (var (name, folder) in context.Outputs)
            step.Outputs[name] = _store.Commit(folder, stepPlan.Step.Type.Output(name)!.Kind, provenance);
        _known[step.Name] = step.Outputs.ToDictionary();
        new RunCache(layout, _store).Save(new CacheEntry(fingerprint.Fingerprint!, stepPlan.Step.Type.Name, step.Outputs.ToDictionary(), record.Id, DateTimeOffset.UtcNow));
        new StepSnapshotStore(layout).Save(plan.Workflow.Definition.Name, step.Name,
            new StepSnapshot(fingerprint.Fingerprint!, stepPlan.Step.Type.Name, stepPlan.Step.Type.Version, fingerprint.Options!, record.Id));
        if (Directory.Exists(context.StateDirectory)) Directory.Delete(context.StateDirectory, recursive: true);
        return outcome;
    }

    private async Task RecordCachedAsync(StepRecord step, CacheEntry cached)
    {
        step.State = StepState.Cached;
        step.Outputs = cached.Outputs.ToDictionary();
        _known[step.Name] = cached.Outputs;
        // Cache hits stay visible in MLflow, linked to the run that produced the outputs.
        var start = StepRunStart(step, step.Type, cached.Fingerprint, cached: true);
        var trackingRun = await tracker.StartRunAsync(start with
        {
            Tags = new Dictionary<string, string>(start.Tags) { ["wf.cached_from_run"] = cached.RunId },
        }, CancellationToken.None);
        await tracker.EndRunAsync(trackingRun, TrackingRunStatus.Finished, CancellationToken.None);
        Finish(step);
    }

    private TrackingRunStart StepRunStart(StepRecord step, string stepType, string fingerprint, bool cached)
    {
        var tags = new Dictionary<string, string>(runTags, StringComparer.Ordinal)
        {
            ["wf.step"] = step.Name,
            ["wf.step.type"] = stepType,
            ["wf.step.fingerprint"] = fingerprint,
            ["wf.cached"] = cached ? "true" : "false",
        };
        return new TrackingRunStart(plan.Workflow.Definition.Experiment, step.Name, record.TrackingRunId, tags);
    }

    // Only the step's ancestors: outputs of unrelated steps of the same run did not shape this one.
    private Dictionary<string, string> Lineage(string fingerprint, Validation.ValidatedStep step)
    {
        var ancestors = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(step.DependsOn);
        while (pending.TryPop(out var name))
            if (ancestors.Add(name) && plan.Workflow.Contains(name))
                foreach (var dependency in plan.Workflow.Step(name).DependsOn) pending.Push(dependency);
        var lineage = new Dictionary<string, string>(runTags, StringComparer.Ordinal) { ["wf.step.fingerprint"] = fingerprint };
        foreach (var (stepName, outputs) in _known.Where(k => ancestors.Contains(k.Key)))
            foreach (var (output, digest) in outputs) lineage[$"input.{stepName}.{output}"] = digest;
        return lineage;
    }

    private void Finish(StepRecord step)
    {
        _records.Save(record);
        request.Observer.StepFinished(step);
    }
}
