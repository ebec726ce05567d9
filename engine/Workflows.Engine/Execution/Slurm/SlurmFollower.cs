using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Follows a run's jobs until each has ended: replays their output as progress, keeps the job
/// table current, and records each step once its job is over — what the job recorded itself, or, when
/// the job never got that far (dependency failed, cancelled, killed, node lost), why not.</summary>
internal sealed class SlurmFollower(SlurmClient client, RunRecordStore records, RunRecord record, StepRunner runner, ITracker tracker,
    IRunObserver observer, SlurmJobTable table, string runDirectory, SlurmSettings settings, IReadOnlySet<string> adopted)
{
    private const int MissingPollsBeforeLost = 30;

    /// <summary>Returns the number of jobs left to the cluster when detached, else 0.</summary>
    public async Task<int> FollowAsync(IReadOnlyList<(StepPlan Plan, SlurmJobEntry Job)> submitted, string? abort, Func<SlurmInterrupt> onInterrupt, CancellationToken cancellationToken)
    {
        var pending = submitted.ToList(); // DAG order: an upstream step is recorded before its dependents
        var readers = new Dictionary<string, JobEventReader>(StringComparer.Ordinal);
        var missing = new Dictionary<string, int>(StringComparer.Ordinal);
        var probe = table.ProbeJobId;
        // The jobs append their steps to the run's journal; this process writes no whole record while it
        // follows, so the journal only grows and each look reads just what was appended since the last.
        var journal = new StepJournalTail(runDirectory, record.Attempts);
        var cancelling = abort is not null;
        while (pending.Count > 0)
        {
            if (cancellationToken.IsCancellationRequested && !cancelling)
            {
                if (onInterrupt() == SlurmInterrupt.Detach) return pending.Count;
                cancelling = true;
                client.Cancel(pending.Select(p => p.Job.JobId).ToList());
            }
            var ids = pending.Select(p => p.Job.JobId).Concat(probe is null ? [] : [probe]).ToList();
            IReadOnlyDictionary<string, SlurmJobStatus> status;
            try
            {
                status = client.Query(ids);
            }
            catch (SlurmException e)
            {
                observer.StepLog("slurm", StepLogLevel.Warning, e.Message + "; trying again");
                await Pause(cancellationToken);
                continue;
            }
            if (probe is not null && status.TryGetValue(probe, out var probed) && probed.IsTerminal)
            {
                probe = null;
                if (probed.State != "COMPLETED" || !File.Exists(Path.Combine(SlurmJobTable.DirectoryOf(runDirectory), "probe.ok")))
                {
                    abort = $"compute node {probed.Node ?? "(unknown)"} cannot see the run folder {SlurmJobTable.DirectoryOf(runDirectory)} (probe job {probed.JobId} ended {probed.State}): " +
                            "the project and its .wf store must be on a filesystem every node mounts; move the project there and run again";
                    observer.StepLog("slurm", StepLogLevel.Error, abort);
                    cancelling = true;
                    client.Cancel(pending.Select(p => p.Job.JobId).ToList());
                }
            }
            foreach (var (stepPlan, job) in pending)
            {
                var output = Path.Combine(SlurmJobTable.DirectoryOf(runDirectory), $"{job.Step}-{job.JobId}.out");
                if (!readers.TryGetValue(job.Step, out var reader)) readers[job.Step] = reader = new JobEventReader(output, job.Step, observer, skipExisting: adopted.Contains(job.JobId));
                reader.Pump();
            }
            journal.Update(); // after asking Slurm: a job that has ended wrote its line before it exited
            foreach (var entry in pending.ToList())
            {
                var job = entry.Job;
                if (!status.TryGetValue(job.JobId, out var state))
                {
                    missing[job.JobId] = missing.GetValueOrDefault(job.JobId) + 1;
                    if (missing[job.JobId] < MissingPollsBeforeLost) continue;
                    state = new SlurmJobStatus(job.JobId, "UNKNOWN", "Slurm no longer knows this job", null, "0:0", job.Restarts);
                }
                job.State = state.State;
                job.Reason = state.Reason;
                job.Node = state.Node ?? job.Node;
                job.ExitCode = state.ExitCode;
                job.Restarts = Math.Max(job.Restarts, state.Restarts);
                if (state.State == "RUNNING") job.SeenRunning ??= DateTimeOffset.UtcNow;
                if (!state.IsTerminal && state.State != "UNKNOWN") continue;
                job.SeenEnded = DateTimeOffset.UtcNow;
                readers[job.Step].Pump();
                await RecordAsync(entry.Plan, state, journal, cancelling, abort);
                pending.Remove(entry);
            }
            table.Save(runDirectory);
            if (pending.Count > 0) await Pause(cancellationToken);
        }
        return 0;
    }

    private async Task RecordAsync(StepPlan stepPlan, SlurmJobStatus job, StepJournalTail journal, bool cancelling, string? abort)
    {
        var name = stepPlan.Step.Name;
        var output = $".wf/runs/{record.Id}/{SlurmJobTable.Folder}/{name}-{job.JobId}.out";
        // A job adopted from an earlier attempt that was already running records itself under that
        // attempt's number, which the record's reader skips: take its latest line whatever the attempt.
        var recorded = adopted.Contains(job.JobId) ? journal.Latest(name) : journal.OfAttempt(name);
        var finished = recorded?.State is StepState.Succeeded or StepState.Cached or StepState.Failed;
        if (job.State == "COMPLETED" && recorded?.State is StepState.Succeeded or StepState.Cached
            || job.State == "FAILED" && finished
            || job.State == "CANCELLED" && recorded?.State == StepState.Cancelled)
        {
            var index = record.Steps.FindIndex(s => s.Name == name);
            record.Steps[index] = recorded!;
            if (recorded!.Outputs.Count > 0) runner.Know(name, recorded.Outputs);
            if (adopted.Contains(job.JobId)) records.SaveStep(record, recorded); // under this attempt, for the jobs downstream
            observer.StepFinished(recorded);
            return;
        }
        if (adopted.Contains(job.JobId) && job.State == "COMPLETED")
        {
            // Its line was written just before this attempt's record replaced the journal: the job
            // committed its outputs to the cache before exiting, so the step is a cache hit now.
            await runner.RunAsync(stepPlan, CancellationToken.None);
            return;
        }
        if (job.DependencyFailed && abort is null && !cancelling)
        {
            var blocker = stepPlan.Step.DependsOn.Select(record.Step).FirstOrDefault(d => d.State is StepState.Failed or StepState.Skipped or StepState.Cancelled)
                ?? record.Step(stepPlan.Step.DependsOn.First());
            await runner.SkipAsync(stepPlan, blocker, cancelled: false);
            return;
        }
        var step = record.Step(name);
        if (recorded is not null)
        {
            step.Started = recorded.Started;
            step.TrackingRunId = recorded.TrackingRunId;
            step.Fingerprint = recorded.Fingerprint ?? step.Fingerprint;
        }
        (step.State, step.Error) = abort is not null ? (StepState.Failed, abort)
            : SlurmOutput.ExitStatus(job.ExitCode) == SbatchScript.NotVisibleExitCode && job.State == "FAILED"
                ? (StepState.Failed, $"node {job.Node} cannot see the run folder (job {job.JobId}); the project and its .wf store must be on a filesystem every node mounts")
            : job.State == "CANCELLED" && cancelling ? (StepState.Cancelled, $"Slurm job {job.JobId} cancelled (scancel); continue with `wf resume {record.Id}`")
            : job.State == "CANCELLED" ? (StepState.Cancelled, $"Slurm job {job.JobId} was cancelled outside wf; continue with `wf resume {record.Id}`")
            : (StepState.Failed, $"Slurm job {job.JobId} ended {job.State} (exit {job.ExitCode}{(job.Reason is null ? "" : ", " + job.Reason)}) on {job.Node ?? "no node"} before the step recorded a result; see {output}");
        step.Ended = DateTimeOffset.UtcNow;
        // The job's own MLflow run, if it got that far, would stay "running" forever.
        if (step.TrackingRunId is { } trackingRun)
            await tracker.EndRunAsync(trackingRun, step.State == StepState.Cancelled ? TrackingRunStatus.Killed : TrackingRunStatus.Failed, CancellationToken.None);
        records.SaveStep(record, step);
        observer.StepFinished(step);
    }

    private async Task Pause(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.PollSeconds), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: the loop asks what to do at once.
        }
    }
}
