using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Inside a Slurm job: runs one step of a run that another process (the submitting
/// <c>wf run</c>) started, exactly as that process would have run it locally — cache check, the
/// fingerprint's lock, input integrity, the step, atomic commit — and records it in the same run.
/// Its MLflow run is nested under the run's parent, as locally.</summary>
public sealed class StepJob(ProjectLayout layout)
{
    /// <param name="plan">The run's plan, re-made on this node from the run's workflow snapshot, params and selection.</param>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step to run.</param>
    /// <param name="request">Tracker and observer (the source facts and overrides come from the run's record).</param>
    /// <param name="cancellationToken">Slurm's SIGTERM (scancel, requeue, time limit).</param>
    public async Task<StepRecord> RunAsync(ExecutionPlan plan, string runId, string stepName, RunRequest request, CancellationToken cancellationToken)
    {
        var records = new RunRecordStore(layout);
        var record = records.Load(runId) ?? throw new InvalidOperationException($"run {runId} has no record under {layout.Runs}");
        if (plan.Steps.All(s => s.Step.Name != stepName)) throw new InvalidOperationException($"run {runId} has no step '{stepName}'");
        using var storeLock = await StoreLock.SharedAsync(layout,
            () => request.Observer.StepLog("store", Steps.StepLogLevel.Warning, "waiting for `wf gc` to finish with .wf/store"), cancellationToken);
        var runTags = WorkflowExecutor.RunTags(plan, request with { Source = record.Source }, record);
        runTags["wf.executor"] = "slurm";
        var runner = new StepRunner(layout, new ArtifactStore(layout), plan, record, records, request, request.Tracker, runTags);
        // Upstream steps ran in other jobs (or were cached by the submitting process): their outputs are
        // in the shared record, and the Slurm dependency guarantees they succeeded before this job started.
        var finished = JournalScan.LatestByStep(records.DirectoryOf(runId));
        foreach (var step in record.Steps)
        {
            var done = step.State is StepState.Succeeded or StepState.Cached ? step : finished.GetValueOrDefault(step.Name);
            if (done is { State: StepState.Succeeded or StepState.Cached, Outputs.Count: > 0 }) runner.Know(done.Name, done.Outputs);
        }
        return await runner.RunAsync(plan.Step(stepName), cancellationToken);
    }
}
