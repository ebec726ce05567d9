using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution;

/// <summary>Runs a plan: independent steps concurrently, each once its upstream steps are done; a
/// failed step marks everything downstream skipped; cancellation stops cleanly and leaves a record
/// that <c>wf resume</c> continues.</summary>
public sealed class WorkflowExecutor(ProjectLayout layout)
{
    public async Task<RunRecord> RunAsync(ExecutionPlan plan, RunRequest request, CancellationToken cancellationToken)
    {
        if (plan.Errors.Count > 0) throw new InvalidOperationException("the plan has errors; show them instead of running");
        var workflow = plan.Workflow.Definition;
        var records = new RunRecordStore(layout, request.RecordWrites);
        var record = StartRecord(plan, request);
        // The run lock says "this run is alive" to `wf runs`, `wf show` and a second `wf resume`; the
        // kernel drops it when this process dies, so a killed run reads as interrupted, never stuck.
        using var runLock = FileLock.TryAcquire(records.LockPathOf(record.Id), $"run {record.Id}")
            ?? throw new RunInProgressException(RunInProgress.Message(records, record.Id));
        using var storeLock = await StoreLock.SharedAsync(layout,
            () => request.Observer.StepLog("store", Steps.StepLogLevel.Warning, "waiting for `wf gc` to finish with .wf/store"), cancellationToken);
        if (request.Resume is not null && Directory.Exists(Path.Combine(layout.Temp, record.Id)))
            Directory.Delete(Path.Combine(layout.Temp, record.Id), recursive: true); // left by the process that died
        if (request.WorkflowText is not null && request.Resume is null) records.SaveWorkflowSnapshot(record.Id, request.WorkflowText);

        var tracker = new ResilientTracker(request.Tracker, message => request.Observer.StepLog("tracking", Steps.StepLogLevel.Warning, message));
        var runTags = RunTags(plan, request, record);
        record.TrackingRunId = await tracker.StartRunAsync(new TrackingRunStart(workflow.Experiment, $"{workflow.Name} {record.Id}", null, runTags), cancellationToken);
        await tracker.LogParamsAsync(record.TrackingRunId, workflow.Params.ToDictionary(p => "params." + p.Key, p => TrackingParams.Display(p.Value)), cancellationToken);
        records.Save(record);
        request.Observer.RunStarted(plan, record);

        var runner = new StepRunner(layout, new ArtifactStore(layout), plan, record, records, request, tracker, runTags);
        var done = new Dictionary<string, StepRecord>(StringComparer.Ordinal);
        var running = new Dictionary<Task, string>();
        using var parallel = new SemaphoreSlim(Math.Max(1, request.MaxParallelSteps));
        while (true)
        {
            foreach (var stepPlan in plan.Steps.Where(p => !done.ContainsKey(p.Step.Name) && !running.ContainsValue(p.Step.Name)))
            {
                if (!stepPlan.Step.DependsOn.All(done.ContainsKey)) continue;
                var blocked = stepPlan.Step.DependsOn.Select(d => done[d]).FirstOrDefault(d => d.State is StepState.Failed or StepState.Skipped or StepState.Cancelled);
                if (blocked is not null || cancellationToken.IsCancellationRequested)
                {
                    done[stepPlan.Step.Name] = await runner.SkipAsync(stepPlan, blocked, cancellationToken.IsCancellationRequested);
                    continue;
                }
                // Task.Run: a step's synchronous work must not block this loop, and each step needs its
                // own task object (async methods that finish synchronously share a cached one).
                running[Task.Run(() => RunGated(stepPlan))] = stepPlan.Step.Name;
            }
            if (running.Count == 0) break;
            var finished = await Task.WhenAny(running.Keys);
            done[running[finished]] = record.Step(running[finished]);
            running.Remove(finished);
        }

        await FinishAsync(layout, records, tracker, record.TrackingRunId, record, request.Observer, cancellationToken.IsCancellationRequested);
        return record;

        async Task RunGated(StepPlan stepPlan)
        {
            await parallel.WaitAsync(CancellationToken.None);
            try
            {
                await runner.RunAsync(stepPlan, cancellationToken);
            }
            finally
            {
                parallel.Release();
            }
        }
    }

    /// <summary>Ends a run however its steps ran (here or as cluster jobs): the status from the steps' states,
    /// the final record, the run's scratch folder removed, the tracker's parent run closed, the observer told.</summary>
    internal static async Task FinishAsync(ProjectLayout layout, RunRecordStore records, ResilientTracker tracker, string trackingRunId,
        RunRecord record, IRunObserver observer, bool cancelled)
    {
        record.Status = record.Steps.Any(s => s.State == StepState.Cancelled) || cancelled ? RunStatus.Cancelled
            : record.Steps.Any(s => s.State is StepState.Failed or StepState.Skipped) ? RunStatus.Failed
            : RunStatus.Succeeded;
        record.Ended = DateTimeOffset.UtcNow;
        records.Save(record);
        var scratch = Path.Combine(layout.Temp, record.Id);
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        await tracker.EndRunAsync(trackingRunId, record.Status switch
        {
            RunStatus.Succeeded => TrackingRunStatus.Finished,
            RunStatus.Cancelled => TrackingRunStatus.Killed,
            _ => TrackingRunStatus.Failed,
        }, CancellationToken.None);
        observer.RunFinished(record);
    }

    internal static RunRecord StartRecord(ExecutionPlan plan, RunRequest request)
    {
        var workflow = plan.Workflow.Definition;
        var previous = request.Resume;
        var record = new RunRecord
        {
            Id = previous?.Id ?? RunRecordStore.NewId(),
            WorkflowFile = previous?.WorkflowFile ?? workflow.SourcePath,
            WorkflowName = workflow.Name,
            WorkflowVersion = workflow.Version,
            ContentHash = workflow.ContentHash,
            ParamOverrides = request.ParamOverrides.ToDictionary(),
            OnlyStep = plan.Selection.Only,
            FromStep = plan.Selection.From,
            ForcedSteps = plan.Selection.Force.Order(StringComparer.Ordinal).ToList(),
            Started = previous?.Started ?? DateTimeOffset.UtcNow,
            Source = request.Source.ToDictionary(),
            Attempts = (previous?.Attempts ?? 0) + 1,
            Steps = plan.Steps.Select(p => new StepRecord { Name = p.Step.Name, Type = p.Step.Type.Name, Reason = p.Reason, Fingerprint = p.Fingerprint }).ToList(),
        };
        return record;
    }

    internal static Dictionary<string, string> RunTags(ExecutionPlan plan, RunRequest request, RunRecord record)
    {
        var workflow = plan.Workflow.Definition;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wf.run_id"] = record.Id,
            ["wf.workflow.name"] = workflow.Name,
            ["wf.workflow.version"] = workflow.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["wf.workflow.content_hash"] = workflow.ContentHash,
            ["wf.workflow.file"] = workflow.SourcePath,
        };
        foreach (var (key, value) in request.Source) tags[key] = value;
        return tags;
    }
}
