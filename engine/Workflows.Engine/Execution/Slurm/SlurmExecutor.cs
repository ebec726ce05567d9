using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Runs a plan on a Slurm cluster: every step that must run becomes one batch job running
/// <c>wf run-step</c> on a compute node, with the DAG's edges as <c>afterok</c> dependencies (so the
/// cluster keeps running the DAG if this process goes away); cached steps are recorded here and never
/// submitted. Then it follows the jobs until they end, recording each step as a local run would.</summary>
public sealed class SlurmExecutor(ProjectLayout layout, SlurmSettings settings)
{
    /// <param name="plan">What to run.</param>
    /// <param name="request">Tracker, observer, overrides and the record to resume, as for a local run.</param>
    /// <param name="onInterrupt">Asked once when <paramref name="cancellationToken"/> fires: cancel the jobs or detach.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    public async Task<SlurmRunResult> RunAsync(ExecutionPlan plan, RunRequest request, Func<SlurmInterrupt> onInterrupt, CancellationToken cancellationToken)
    {
        var workflow = plan.Workflow.Definition;
        var client = new SlurmClient();
        using var run = await RunStart.LockAsync(layout, plan, request, cancellationToken);
        var (record, records, tracker) = (run.Record, run.Records, run.Tracker);
        var runDirectory = records.DirectoryOf(record.Id);
        var slurmDirectory = SlurmJobTable.DirectoryOf(runDirectory);
        var table = SlurmJobTable.Load(runDirectory) ?? new SlurmJobTable();
        // A resumed run's jobs that are still queued or running (a detached run) are followed again
        // rather than submitted twice; those of steps this attempt does not run are cancelled below.
        var adoptable = Adoptable(client, table);
        Directory.CreateDirectory(slurmDirectory);
        AtomicFile.WriteAllText(Path.Combine(slurmDirectory, SbatchScript.VisibilityMarker), record.Id);
        File.Delete(Path.Combine(slurmDirectory, "probe.ok"));
        table.Device = settings.Device;
        table.ProbeJobId = null; // each attempt probes again (the marker was just rewritten)
        await run.BeginAsync(ExecutorConfig.SlurmType, cancellationToken);

        var store = new ArtifactStore(layout);
        var runner = new StepRunner(layout, store, plan, record, records, request, tracker, run.Tags);
        var submitted = new List<(StepPlan Plan, SlurmJobEntry Job)>();
        var adopted = new HashSet<string>(StringComparer.Ordinal);
        string? abort = null;
        try
        {
            foreach (var stepPlan in plan.Steps)
            {
                var plannedCached = !stepPlan.Forced && stepPlan.Cache is { } cache && cache.Outputs.Values.All(store.Contains);
                if (stepPlan.Decision == StepDecision.NotSelected || plannedCached)
                {
                    await runner.RunAsync(stepPlan, cancellationToken); // recorded here: never submitted
                    continue;
                }
                if (adoptable.Remove(stepPlan.Step.Name, out var earlier))
                {
                    submitted.Add((stepPlan, earlier));
                    adopted.Add(earlier.JobId);
                    continue;
                }
                // The probe goes first, beside the first job: a node that cannot see the run folder is named at once.
                table.ProbeJobId ??= Submit(client, slurmDirectory, "probe", SbatchScript.Probe($"wf-{workflow.Name}-probe", layout.Root, slurmDirectory, settings));
                var dependencies = stepPlan.Step.DependsOn.Select(d => submitted.FirstOrDefault(s => s.Plan.Step.Name == d).Job?.JobId).OfType<string>().ToList();
                var script = SbatchScript.Build(new SbatchJob($"wf-{workflow.Name}-{stepPlan.Step.Name}", record.Id, stepPlan.Step.Name, layout.Root, slurmDirectory,
                    SlurmResources.For(stepPlan.Step, settings.Device ?? workflow.Device), dependencies, settings));
                var job = new SlurmJobEntry { Step = stepPlan.Step.Name, JobId = Submit(client, slurmDirectory, stepPlan.Step.Name, script), Submitted = DateTimeOffset.UtcNow };
                table.Jobs.Add(job);
                submitted.Add((stepPlan, job));
            }
            if (adoptable.Count > 0) client.Cancel(adoptable.Values.Select(j => j.JobId).ToList());
            table.Save(runDirectory);
            if (adopted.Count > 0)
                request.Observer.StepLog("slurm", StepLogLevel.Info, $"following {adopted.Count} job(s) of the earlier attempt: {string.Join(", ", submitted.Where(s => adopted.Contains(s.Job.JobId)).Select(s => $"{s.Plan.Step.Name}={s.Job.JobId}"))}");
            if (submitted.Count > adopted.Count)
                request.Observer.StepLog("slurm", StepLogLevel.Info, $"submitted {submitted.Count - adopted.Count} job(s): {string.Join(", ", submitted.Where(s => !adopted.Contains(s.Job.JobId)).Select(s => $"{s.Plan.Step.Name}={s.Job.JobId}"))}");
        }
        catch (SlurmException e)
        {
            abort = e.Message;
            client.Cancel(submitted.Select(s => s.Job.JobId).Concat(table.ProbeJobId is { } p ? [p] : []).ToList());
        }

        var follower = new SlurmFollower(client, records, record, runner, tracker, request.Observer, table, runDirectory, settings, adopted);
        var detached = await follower.FollowAsync(submitted, abort, onInterrupt, cancellationToken);
        table.Save(runDirectory);
        if (detached > 0) return new SlurmRunResult(record, Detached: true, detached);
        // Steps never submitted because submitting failed part-way: failed, with sbatch's reason.
        foreach (var step in record.Steps.Where(s => s.State is StepState.Pending or StepState.Running))
        {
            step.State = StepState.Failed;
            step.Error = $"not submitted: {abort}";
            records.SaveStep(record, step);
            request.Observer.StepFinished(step);
        }

        await WorkflowExecutor.FinishAsync(layout, records, tracker, run.TrackingRunId, record, request.Observer, cancellationToken.IsCancellationRequested);
        return new SlurmRunResult(record, Detached: false, 0);
    }

    // The latest job of each step that Slurm still has queued or running, by step.
    private static Dictionary<string, SlurmJobEntry> Adoptable(SlurmClient client, SlurmJobTable table)
    {
        var latest = table.Latest().Values.Where(j => !SlurmJobStatus.IsTerminalState(j.State)).ToList();
        if (latest.Count == 0) return new(StringComparer.Ordinal);
        var now = client.Query(latest.Select(j => j.JobId).ToList());
        return latest.Where(j => now.TryGetValue(j.JobId, out var s) && !s.IsTerminal).ToDictionary(j => j.Step, StringComparer.Ordinal);
    }

    /// <summary>Whether the Slurm client commands are here (<c>sbatch</c> on PATH).</summary>
    public static bool ClientAvailable() => SlurmClient.Available();

    private static string Submit(SlurmClient client, string slurmDirectory, string name, string script)
    {
        var path = Path.Combine(slurmDirectory, name + ".sbatch");
        AtomicFile.WriteAllText(path, script, durable: false);
        return client.Submit(path);
    }
}
