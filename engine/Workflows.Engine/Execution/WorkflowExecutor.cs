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
        using var run = await RunStart.LockAsync(layout, plan, request, cancellationToken);
        var (record, records, tracker) = (run.Record, run.Records, run.Tracker);
        if (request.Resume is not null && Directory.Exists(Path.Combine(layout.Temp, record.Id)))
            Directory.Delete(Path.Combine(layout.Temp, record.Id), recursive: true); // left by the process that died
        await run.BeginAsync(executor: null, cancellationToken);

        var runner = new StepRunner(layout, new ArtifactStore(layout), plan, record, records, request, tracker, run.Tags);
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

        await FinishAsync(layout, records, tracker, run.TrackingRunId, record, request.Observer, cancellationToken.IsCancellationRequested);
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
}
