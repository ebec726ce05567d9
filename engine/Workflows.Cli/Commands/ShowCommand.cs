using System.CommandLine;
using System.Globalization;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf show RUN</c>: a run's steps with states, timings, outputs and errors.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run id (or a unique prefix, or 'latest')" };
        var command = new Command("show", "Show a run's steps, states, timings and outputs") { run };
        command.SetAction(result =>
        {
            var layout = ProjectLayout.ForDirectory(Directory.GetCurrentDirectory());
            var lookup = new RunRecordStore(layout).Lookup(result.GetValue(run)!);
            if (lookup.Record is not { } record)
            {
                Console.Error.WriteLine(lookup.Problem);
                return 1;
            }
            Print(record, new ArtifactStore(layout), SlurmJobTable.Load(new RunRecordStore(layout).DirectoryOf(record.Id)));
            return 0;
        });
        return command;
    }

    private static void Print(RunRecord record, ArtifactStore store, SlurmJobTable? jobs)
    {
        Console.WriteLine($"run       {record.Id} ({record.Status.ToString().ToLowerInvariant()}, attempt {record.Attempts})");
        if (record.Status == RunStatus.Interrupted)
            Console.WriteLine(jobs is null ? $"          its process ended without finishing the run; `wf resume {record.Id}` continues it"
                : $"          no wf process follows its Slurm jobs (detached?); `wf resume {record.Id}` submits again what did not finish");
        Console.WriteLine($"workflow  {record.WorkflowName} v{record.WorkflowVersion} — {record.WorkflowFile} (sha256 {record.ContentHash[..12]})");
        Console.WriteLine($"started   {record.Started.LocalDateTime:yyyy-MM-dd HH:mm:ss}{(record.Ended is { } e ? $", ended {e.LocalDateTime:HH:mm:ss}" : "")}");
        if (record.ParamOverrides.Count > 0) Console.WriteLine($"params    {string.Join(", ", record.ParamOverrides.Select(p => $"{p.Key}={p.Value}"))}");
        foreach (var (key, value) in record.Source) Console.WriteLine($"{key,-9} {value}");
        var latestJobs = jobs?.Latest();
        foreach (var step in record.Steps.Where(s => s.State != StepState.NotSelected))
        {
            var seconds = step.Seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "";
            Console.WriteLine();
            Console.WriteLine($"  {step.Name} ({step.Type}): {step.State.ToString().ToLowerInvariant()} {seconds}");
            if (step.Reason is not null) Console.WriteLine($"    why      {step.Reason}");
            if (step.Fingerprint is not null) Console.WriteLine($"    print    {step.Fingerprint[..16]}");
            foreach (var (name, digest) in step.Outputs)
                Console.WriteLine($"    output   {name} → {store.PathOf(digest)}{(store.Contains(digest) ? "" : " (no longer stored: removed by `wf gc` or moved aside as damaged)")}");
            foreach (var (name, value) in step.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)) Console.WriteLine($"    metric   {name} = {value.ToString("G6", CultureInfo.InvariantCulture)}");
            if (step.Error is not null) Console.WriteLine($"    error    {step.Error}");
            if (latestJobs?.GetValueOrDefault(step.Name) is { } job)
                Console.WriteLine($"    slurm    job {job.JobId} on {job.Node ?? "(no node yet)"}: {job.State}{(job.ExitCode is { } code ? $", exit {code}" : "")}{(job.Restarts > 0 ? $", requeued {job.Restarts}×" : "")}{(job.Reason is { } why ? $" ({why})" : "")}");
        }
    }
}
