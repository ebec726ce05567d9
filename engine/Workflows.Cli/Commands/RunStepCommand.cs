using System.CommandLine;
using Workflows.Engine.Execution;
using Workflows.Engine.Execution.Slurm;
using Workflows.Engine.Planning;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tracking;
using Workflows.Engine.Validation;
using Workflows.Tracking;

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
            var snapshot = Path.Combine(records.DirectoryOf(runId), RunRecordStore.WorkflowSnapshotFile);
            var loaded = WorkflowHost.Loader().Load(Path.Combine(layout.Root, record.WorkflowFile), record.ParamOverrides,
                File.Exists(snapshot) ? await File.ReadAllTextAsync(snapshot, cancellationToken) : null, layout);
            if (!loaded.IsValid)
            {
                Output.DiagnosticPrinter.Print(loaded.Diagnostics, Console.Error);
                return 2;
            }
            var workflow = loaded.Workflow!;
            if (result.GetValue(device) is { } chosen) workflow = new ValidatedWorkflow(workflow.Definition with { Device = chosen }, workflow.ProjectRoot, workflow.Order);
            var plan = new Planner(layout).Plan(workflow, new StepSelection { Only = record.OnlyStep, From = record.FromStep, Force = record.ForcedSteps.ToHashSet() });
            if (plan.Errors.Count > 0 || plan.Steps.All(s => s.Step.Name != result.GetValue(step)))
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, plan.Errors.DefaultIfEmpty($"run {runId} has no step '{result.GetValue(step)}'")));
                return 2;
            }
            ITracker tracker;
            try
            {
                tracker = WorkflowHost.Tracker(layout.Root, workflow.Definition.TrackingEnabled);
            }
            catch (MlflowException e)
            {
                await Console.Error.WriteLineAsync($"tracking: {e.Message}");
                return 2;
            }
            using var disposeTracker = tracker as IDisposable;
            var request = new RunRequest { Tracker = tracker, Observer = new JobEventWriter(Console.Out), ParamOverrides = record.ParamOverrides };
            var done = await new StepJob(layout).RunAsync(plan, runId, result.GetValue(step)!, request, cancellationToken);
            return done.State switch { StepState.Succeeded or StepState.Cached => 0, StepState.Cancelled => 130, _ => 1 };
        });
        return command;
    }
}
