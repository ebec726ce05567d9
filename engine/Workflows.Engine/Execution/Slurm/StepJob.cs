using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Inside a Slurm job: runs one step of a run that another process (the submitting
/// <c>wf run</c>) started, exactly as that process would have run it locally — cache check, the
/// fingerprint's lock, input integrity, the step, atomic commit — and records it in the same run.
/// Its MLflow run is nested under the run's parent, as locally.</summary>
public sealed class StepJob(ProjectLayout layout)
{
    /// <param name="plan">The run's plan, re-made on this node from the run's workflow snapshot, params and selection.</param>
    /// <param name="record">The run's record, as read on this node.</param>
    /// <param name="stepName">The step to run.</param>
    /// <param name="request">Tracker and observer (the source facts and overrides come from the run's record).</param>
    /// <param name="cancellationToken">Slurm's SIGTERM (scancel, requeue, time limit).</param>
    public async Task<StepRecord> RunAsync(ExecutionPlan plan, RunRecord record, string stepName, RunRequest request, CancellationToken cancellationToken)
    {
        if (plan.Steps.All(s => s.Step.Name != stepName)) throw new InvalidOperationException($"run {record.Id} has no step '{stepName}'");
        var records = new RunRecordStore(layout);
        using var storeLock = await RunStart.LockStoreAsync(layout, request.Observer, cancellationToken);
        var runTags = RunStart.RunTags(plan, record.Source, record, ExecutorConfig.SlurmType);
        var runner = new StepRunner(layout, new ArtifactStore(layout), plan, record, records, request, request.Tracker, runTags);
        // Upstream steps ran in other jobs (or were cached by the submitting process): their outputs are
        // in the shared record, and the Slurm dependency guarantees they succeeded before this job started.
        var journal = new StepJournalTail(records.DirectoryOf(record.Id), record.Attempts);
        journal.Update();
        foreach (var step in record.Steps)
        {
            var done = step.State is StepState.Succeeded or StepState.Cached ? step : journal.Latest(step.Name);
            if (done is { State: StepState.Succeeded or StepState.Cached, Outputs.Count: > 0 }) runner.Know(done.Name, done.Outputs);
        }
        return await runner.RunAsync(plan.Step(stepName), cancellationToken);
    }
}
