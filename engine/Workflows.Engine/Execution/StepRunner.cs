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

/// <summary>Runs one step of a plan: fingerprint now that inputs exist, cache check, the fingerprint's
/// lock (shared by every process on the project), an integrity check of its inputs, device lease, the
/// step itself under an optional timeout, then atomic commit of its outputs.</summary>
internal sealed class StepRunner(ProjectLayout layout, ArtifactStore store, ExecutionPlan plan, RunRecord record, RunRecordStore records, RunRequest request, ITracker tracker, IReadOnlyDictionary<string, string> runTags)
{
    private readonly StepBinding _binding = new(plan.Workflow, store);
    private readonly RunCache _cache = new(layout, store);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _known = new(StringComparer.Ordinal);
    private readonly InputIntegrity _inputs = new(store, plan, request.Observer);
    private readonly ConcurrentDictionary<string, RunRecord> _producers = new(StringComparer.Ordinal);

    /// <summary>Outputs of a step finished elsewhere (another process of the same run, e.g. a Slurm job),
    /// so steps downstream of it fingerprint and bind as if this runner had run it.</summary>
    public void Know(string step, IReadOnlyDictionary<string, string> outputs) => _known[step] = outputs;

    public async Task<StepRecord> SkipAsync(StepPlan stepPlan, StepRecord? blockedBy, bool cancelled)
    {
        var step = record.Step(stepPlan.Step.Name);
        step.State = stepPlan.Decision == StepDecision.NotSelected ? StepState.NotSelected : cancelled ? StepState.Cancelled : StepState.Skipped;
        if (step.State == StepState.Skipped) step.Error = $"upstream step '{blockedBy!.Name}' {blockedBy.State.ToString().ToLowerInvariant()}";
        if (step.State == StepState.Cancelled) step.Error = "the run was cancelled before this step started";
        if (step.State != StepState.NotSelected)
        {
            // A skipped step is still a run in MLflow, so the tree shows every step and why it did not run.
            var start = StepRunStart(step, step.Type, null, cached: false);
            var state = step.State.ToString().ToLowerInvariant();
            step.TrackingRunId = await tracker.StartRunAsync(start with
            {
                Tags = new Dictionary<string, string>(start.Tags) { ["wf.step.state"] = state, ["wf.skip_reason"] = step.Error!, [NoteTag] = $"{state}: {step.Error}" },
            }, CancellationToken.None);
            await tracker.EndRunAsync(step.TrackingRunId, TrackingRunStatus.Killed, CancellationToken.None);
        }
        Finish(step);
        return step;
    }

    public async Task<StepRecord> RunAsync(StepPlan stepPlan, CancellationToken cancellationToken, string? reason = null)
    {
        var step = record.Step(stepPlan.Step.Name);
        if (stepPlan.Decision == StepDecision.NotSelected)
        {
            await SkipAsync(stepPlan, null, false);
            return step;
        }
        var fingerprint = _binding.Fingerprint(stepPlan.Step, _known);
        step.Fingerprint = fingerprint.Fingerprint;
        var cached = stepPlan.Forced ? null
            : stepPlan.Cache is { } planned && planned.Outputs.Values.All(store.Contains) ? planned
            : _cache.Lookup(fingerprint.Fingerprint!);
        if (cached is not null)
        {
            if (stepPlan.Decision == StepDecision.Run) step.Reason = "cached (upstream outputs unchanged)";
            await RecordCachedAsync(step, cached);
            return step;
        }

        // One process computes a fingerprint at a time, as build systems do: a second run waits here,
        // then reuses what the first one stored, and no two processes share a checkpoint folder.
        FileLock stepLock;
        var plannedReason = step.Reason;
        try
        {
            // No owner note per step lock (a file per step): a waiting run finds the holder in the live runs' records.
            stepLock = await FileLock.AcquireAsync(Path.Combine(layout.Locks, fingerprint.Fingerprint + ".lock"), null,
                _ =>
                {
                    var owner = ComputingRuns.Find(layout, records, fingerprint.Fingerprint!);
                    step.Reason = $"waiting: {owner?.ToString() ?? "another process"} is computing this step (same fingerprint); its result will be reused";
                    records.SaveStep(record, step); // so `wf show` says what this run is waiting for
                    request.Observer.StepLog(step.Name, StepLogLevel.Warning, step.Reason);
                },
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
            step.State = StepState.Cancelled;
            step.Error = "cancelled while waiting for another run computing the same step; continue with `wf resume " + record.Id + "`";
            Finish(step);
            return step;
        }
        using (stepLock)
        {
            step.Reason = plannedReason;
            if (!stepPlan.Forced && _cache.Lookup(fingerprint.Fingerprint!) is { } reused)
            {
                step.Reason = $"cached (computed meanwhile by run {reused.RunId})";
                await RecordCachedAsync(step, reused);
                return step;
            }
            var damaged = await _inputs.EnsureAsync(stepPlan, _known, (producer, why, ct) => RunAsync(producer, ct, why), cancellationToken);
            if (damaged is not null)
            {
                step.State = StepState.Failed;
                step.Error = damaged;
                Finish(step);
                return step;
            }
            if (reason is not null) step.Reason = reason;
            fingerprint = _binding.Fingerprint(stepPlan.Step, _known); // unchanged unless a repaired input came back different
            step.Fingerprint = fingerprint.Fingerprint;
            await ExecuteAsync(stepPlan, step, fingerprint, cancellationToken);
            return step;
        }
    }

    private async Task ExecuteAsync(StepPlan stepPlan, StepRecord step, FingerprintResult fingerprint, CancellationToken cancellationToken)
    {
        step.State = StepState.Running;
        step.Started = DateTimeOffset.UtcNow;
        step.Error = null;
        records.SaveStep(record, step);
        request.Observer.StepStarted(step.Name);

        var stepType = stepPlan.Step.Type;
        var options = _binding.ForExecution(stepPlan.Step, _known);
        // Params are the options as written and resolved (inputs as paths or steps.x.outputs.y); the
        // digests the fingerprint used go beside them as tags.
        var (readable, digests) = _binding.ForTracking(stepPlan.Step, _known);
        var start = StepRunStart(step, stepType.Name, fingerprint.Fingerprint!, cached: false);
        var trackingRun = await tracker.StartRunAsync(start with
        {
            Tags = new Dictionary<string, string>(start.Tags).Concat(TrackingParams.InputTags(digests)).ToDictionary(),
        }, CancellationToken.None);
        step.TrackingRunId = trackingRun;
        await tracker.LogParamsAsync(trackingRun, TrackingParams.Flatten(readable), CancellationToken.None);

        var settings = new StepContextSettings(step.Name, plan.Workflow.Definition.Name, plan.Workflow.Definition.Device, fingerprint.Fingerprint!,
            plan.Workflow.ProjectRoot, Lineage(fingerprint.Fingerprint!, stepPlan.Step), Path.Combine(layout.Temp, record.Id, step.Name), Path.Combine(layout.Checkpoints, fingerprint.Fingerprint!),
            Path.Combine(records.DirectoryOf(record.Id), "logs", step.Name + ".log"));
        var context = new StepContext(settings, stepType, request.Observer, tracker, trackingRun,
            (name, path) => Registration(name, path, step.Name, fingerprint.Fingerprint!));

        var outcome = await InvokeAsync(stepPlan, options, context, cancellationToken);
        await context.FlushAsync(CancellationToken.None);
        step.Metrics = context.LastMetrics.ToDictionary();
        // A summary metric the step already logged with this value is not logged again: one point per value.
        var unlogged = outcome.Metrics.Where(m => !step.Metrics.TryGetValue(m.Key, out var logged) || !logged.Equals(m.Value)).ToList();
        foreach (var (key, value) in outcome.Metrics) step.Metrics[key] = value;
        if (unlogged.Count > 0)
            await tracker.LogMetricsAsync(trackingRun, unlogged.Select(m => new MetricPoint(m.Key, m.Value, 0, DateTimeOffset.UtcNow)).ToList(), CancellationToken.None);

        if (outcome.State == StepState.Succeeded)
            outcome = Commit(stepPlan, step, context, fingerprint, outcome);
        if (outcome.State == StepState.Succeeded)
            await StepOutputTracking.LogAsync(tracker, trackingRun, step.Outputs, store, plan.Workflow.Definition.TrackingUploadMaxMb, context.LoggedArtifactPaths);
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
        context.CleanUp();
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
            step.Outputs[name] = store.Commit(folder, stepPlan.Step.Type.Output(name)!.Kind, provenance);
        _known[step.Name] = step.Outputs.ToDictionary();
        _cache.Save(new CacheEntry(fingerprint.Fingerprint!, stepPlan.Step.Type.Name, step.Outputs.ToDictionary(), record.Id, DateTimeOffset.UtcNow));
        new StepSnapshotStore(layout).Save(plan.Workflow.Definition.Name, step.Name,
            new StepSnapshot(fingerprint.Fingerprint!, stepPlan.Step.Type.Name, stepPlan.Step.Type.Version, fingerprint.Options!, record.Id));
        if (Directory.Exists(context.StateDirectoryPath)) Directory.Delete(context.StateDirectoryPath, recursive: true);
        return outcome;
    }

    private async Task RecordCachedAsync(StepRecord step, CacheEntry cached)
    {
        step.State = StepState.Cached;
        step.Outputs = cached.Outputs.ToDictionary();
        _known[step.Name] = cached.Outputs;
        // Cache hits stay visible in MLflow, linked to the run that produced the outputs and carrying
        // its final metrics (the full histories stay on the producing run).
        var producer = Producer(cached.RunId)?.Steps.FirstOrDefault(s => s.Fingerprint == cached.Fingerprint && s.State == StepState.Succeeded);
        step.Metrics = producer?.Metrics.ToDictionary() ?? [];
        var start = StepRunStart(step, step.Type, cached.Fingerprint, cached: true);
        var tags = new Dictionary<string, string>(start.Tags)
        {
            ["wf.cached_from_run"] = cached.RunId,
            [NoteTag] = $"cached: outputs of wf run {cached.RunId}" + (producer?.TrackingRunId is { } source ? $" (MLflow run {source})" : ""),
        };
        if (producer?.TrackingRunId is { } sourceRun) tags["wf.cached_from_tracking_run"] = sourceRun;
        step.TrackingRunId = await tracker.StartRunAsync(start with { Tags = tags }, CancellationToken.None);
        if (step.Metrics.Count > 0)
            await tracker.LogMetricsAsync(step.TrackingRunId, step.Metrics.Select(m => new MetricPoint(m.Key, m.Value, 0, DateTimeOffset.UtcNow)).ToList(), CancellationToken.None);
        await tracker.SetTagsAsync(step.TrackingRunId, step.Outputs.ToDictionary(o => $"wf.output.{o.Key}", o => "sha256:" + o.Value), CancellationToken.None);
        await tracker.EndRunAsync(step.TrackingRunId, TrackingRunStatus.Finished, CancellationToken.None);
        Finish(step);
    }

    /// <summary>The record of the run that produced a cache hit, read once per run that ended: a run of many cached
    /// steps from one earlier run read that whole record once per step (O(steps²); 11 s for 1,000 cached no-op
    /// steps). A run still going on (computing meanwhile) is read again each time, as its record still changes.</summary>
    private RunRecord? Producer(string runId)
    {
        if (_producers.TryGetValue(runId, out var ended)) return ended;
        var loaded = records.Load(runId);
        if (loaded?.Ended is not null) _producers[runId] = loaded;
        return loaded;
    }

    /// <summary>A model version carries what it was made from and how it scored: the registering step's
    /// fingerprint (which covers every upstream input), the run, and the metrics of the run's report
    /// steps (evaluate, guard…). Aliases are moved only while no step of the run has failed.</summary>
    private ModelRegistration Registration(string name, string artifactPath, string stepName, string fingerprint)
    {
        var workflow = plan.Workflow.Definition;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wf.fingerprint"] = fingerprint,
            ["wf.run_id"] = record.Id,
            ["wf.step"] = stepName,
            ["wf.workflow.name"] = workflow.Name,
            ["wf.workflow.content_hash"] = workflow.ContentHash,
        };
        var reportSteps = plan.Steps.Where(p => p.Step.Type.Outputs.Any(o => o.Kind == ArtifactKind.Report)).Select(p => p.Step.Name).ToHashSet();
        foreach (var other in record.Steps.Where(s => reportSteps.Contains(s.Name) && s.State is StepState.Succeeded or StepState.Cached))
            foreach (var (key, value) in other.Metrics)
                tags[$"metric.{other.Name}.{key}"] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var aliases = record.Steps.Any(s => s.State == StepState.Failed) ? [] : workflow.ModelAliases;
        return new ModelRegistration(name, artifactPath, tags, aliases);
    }

    /// <summary>MLflow shows this tag as the run's description.</summary>
    private const string NoteTag = "mlflow.note.content";

    private TrackingRunStart StepRunStart(StepRecord step, string stepType, string? fingerprint, bool cached)
    {
        var tags = new Dictionary<string, string>(runTags, StringComparer.Ordinal)
        {
            ["wf.step"] = step.Name,
            ["wf.step.type"] = stepType,
            ["wf.cached"] = cached ? "true" : "false",
        };
        if (fingerprint is not null) tags["wf.step.fingerprint"] = fingerprint;
        return new TrackingRunStart(plan.Workflow.Definition.Experiment, step.Name, record.TrackingRunId, tags);
    }

    // Only what the fingerprint determines, and only the step's ancestors: steps write lineage into
    // artifacts (the model card), and a run id, commit or workflow file there would give the same
    // fingerprint other bytes in another run; outputs of unrelated steps of the same run did not
    // shape this one. Which run produced an artifact is in its manifest and in the tracking run.
    private Dictionary<string, string> Lineage(string fingerprint, Validation.ValidatedStep step)
    {
        var ancestors = plan.Workflow.Ancestors(step.Name);
        var lineage = new Dictionary<string, string>(StringComparer.Ordinal) { ["wf.step.fingerprint"] = fingerprint };
        foreach (var stepName in ancestors) // not a scan of every step known so far: O(ancestors), not O(steps)
            if (_known.TryGetValue(stepName, out var outputs))
                foreach (var (output, digest) in outputs) lineage[$"input.{stepName}.{output}"] = digest;
        return lineage;
    }

    private void Finish(StepRecord step)
    {
        records.SaveStep(record, step);
        request.Observer.StepFinished(step);
    }
}
