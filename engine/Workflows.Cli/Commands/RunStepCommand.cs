using System.CommandLine;
using Workflows.Engine.Execution;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf run-step RUN STEP</c>: what a Slurm job runs — one step of a run that <c>wf run
/// --executor slurm</c> started, recorded in that run. Hidden: users never type it.</summary>
internal static class RunStepCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run id" };
        var step = new Argument<string>("step") { Description = "Step name" };
        var device = new Option<string?>("--device") { Description = "The run's device override" };
        var command = new Command("run-step", "Run one step of a run (what a Slurm job runs)") { run, step, device };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            var layout = ProjectLayout.ForDirectory(Directory.GetCurrentDirectory());
            var records = new RunRecordStore(layout);
            var runId = result.GetValue(run)!;
            if (records.Load(runId) is not { } record)
            {
                await Console.Error.WriteLineAsync($"run {runId} has no record under {layout.Runs}: the job must start in the project folder (sbatch --chdir)");
                return 2;
            }
            if (RunExecution.Plan(Path.Combine(layout.Root, record.WorkflowFile), record.ParamOverrides, RunExecution.SelectionOf(record), records.ReadWorkflowSnapshot(runId),
                    result.GetValue(device), layout) is not var (loaded, plan)) return 2;
            if (plan.Steps.All(s => s.Step.Name != result.GetValue(step)))
            {
                await Console.Error.WriteLineAsync($"run {runId} has no step '{result.GetValue(step)}'");
                return 2;
            }
            if (RunExecution.Tracker(loaded) is not { } tracker) return 2;
            using var disposeTracker = tracker as IDisposable;
            var request = new RunRequest { Tracker = tracker, Observer = new JobEventWriter(Console.Out), ParamOverrides = record.ParamOverrides };
            var done = await new StepJob(layout).RunAsync(plan, record, result.GetValue(step)!, request, cancellationToken);
            return done.State switch { StepState.Succeeded or StepState.Cached => 0, StepState.Cancelled => 130, _ => 1 };
        });
        return command;
    }
}
