using System.CommandLine;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf resume RUN</c>: continue a failed or cancelled run with the workflow text, params and
/// selection it started with; finished steps come from the cache.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run id (or a unique prefix, or 'latest')" };
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live view" };
        var onInterrupt = new Option<string?>("--on-interrupt") { Description = "slurm runs: what Ctrl-C does — ask, cancel or detach" };
        var command = new Command("resume", "Continue a failed or cancelled run without redoing finished steps") { run, plain, onInterrupt };
        command.SetAction(async (result, cancellationToken) =>
        {
            var layout = ProjectLayout.ForDirectory(Directory.GetCurrentDirectory());
            var records = new RunRecordStore(layout);
            var lookup = records.Lookup(result.GetValue(run)!);
            if (lookup.Record is not { } record)
            {
                Console.Error.WriteLine(lookup.Problem);
                return 1;
            }
            if (record.Status == RunStatus.Succeeded)
            {
                Console.WriteLine($"run {record.Id} already succeeded; nothing to resume");
                return 0;
            }
            if (record.Status == RunStatus.Running) // its process still holds the run lock
            {
                Console.Error.WriteLine(RunInProgress.Message(records, record.Id));
                return 1;
            }
            var selection = RunExecution.SelectionOf(record) with
            {
                Completed = record.Steps.Where(s => s.State is StepState.Succeeded or StepState.Cached).Select(s => s.Name).ToHashSet(),
            };
            return await RunExecution.ExecuteAsync(Path.Combine(layout.Root, record.WorkflowFile), record.ParamOverrides, selection, record,
                result.GetValue(plain), cancellationToken, records.ReadWorkflowSnapshot(record.Id), onInterrupt: result.GetValue(onInterrupt));
        });
        return command;
    }
}
